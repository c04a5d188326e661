import TributaryNet
import TributarySDK

/// The `coap` protocol adapter: Drogue's CoAP device endpoint, one UDP socket per loop on one port,
/// and as many for its DTLS endpoint when that is configured.
final class CoAPAdapter: AdapterInstance, @unchecked Sendable {
    private let host: PluginHost
    private let configuration: CoAPConfiguration
    private var group: EventLoopGroup?
    private var endpoints: [CoAPEndpoint] = []
    private var tlsWatch: TLSFileWatch?

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try CoAPConfiguration(config)
    }

    func start() throws(PluginError) {
        let host = host
        do {
            let group = try EventLoopGroup(name: "coap", count: configuration.eventLoops)
            self.group = group
            var perLoop = configuration
            perLoop.maxExchanges = max(1, configuration.maxExchanges / group.loops.count)
            let throttle = AuthenticationThrottle(host: host, metricPrefix: "coap")
            let faults = ClientFaultLog(host: host)
            func endpoint(_ transport: any CoAPTransport) -> CoAPEndpoint {
                CoAPEndpoint(transport: transport, host: host, configuration: perLoop, throttle: throttle, faults: faults)
            }
            // Bound here, so a taken port fails the start (and /readyz) instead of a log line.
            // The first socket fixes the port (port 0 included), the others share it.
            let address = try bind(configuration.address, on: group) { endpoints.append(endpoint($0)) }
            var dtlsAddress: String?
            if let configured = configuration.dtlsAddress {
                let context = try ReloadingTLSContext(datagram: configuration.certificate)
                let limits = DTLSSocket.Limits(maxSessions: max(1, configuration.dtlsMaxSessions / group.loops.count),
                                               idleMilliseconds: configuration.dtlsIdleSeconds * 1000,
                                               handshakeMilliseconds: configuration.dtlsHandshakeSeconds * 1000)
                let metrics = DTLSSocket.Metrics(host: host, prefix: "coap")
                dtlsAddress = try bind(configured, on: group) { socket in
                    endpoints.append(endpoint(DTLSSocket(socket: socket, context: context, host: host, limits: limits, metrics: metrics, faults: faults)))
                }
                if configuration.certificate != nil {
                    let watch = TLSFileWatch(metrics: "coap_tls", part: "tls listeners", host: host,
                                             items: [("device endpoint (DTLS)", context)])
                    watch.start()
                    tlsWatch = watch
                }
            }
            for endpoint in endpoints {
                endpoint.loop.execute {
                    do throws(IOError) { try endpoint.start() } catch { host.log(.error, "coap: cannot receive on \(endpoint.address): \(error)") }
                }
            }
            host.reportListening(label: "device endpoint", address: address)
            if let dtlsAddress { host.reportListening(label: "device endpoint (DTLS)", address: dtlsAddress) }
        } catch {
            stop()
            throw PluginError("coap: cannot listen: \(error)", status: .unavailable)
        }
    }

    /// One socket per loop on `address`; returns the bound address.
    private func bind(_ address: String, on group: EventLoopGroup, _ made: (UDPSocket) -> Void) throws(IOError) -> String {
        var bound = address
        for loop in group.loops {
            let socket = try UDPSocket(address: bound, on: loop, sharedPort: true)
            bound = socket.address.description
            made(socket)
        }
        return bound
    }

    /// Requests in progress finish as their completions arrive; new ones keep being answered
    /// until stop (a datagram has no connection to refuse).
    func drain(deadlineUnixMilliseconds: Int64) {}

    func stop() {
        tlsWatch?.stop()
        tlsWatch = nil
        for endpoint in endpoints { endpoint.loop.execute { endpoint.stop() } }
        endpoints.removeAll()
        group?.stop()
        group = nil
    }
}
