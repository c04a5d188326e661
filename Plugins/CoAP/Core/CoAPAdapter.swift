import TributaryNet
import TributarySDK

/// The `coap` protocol adapter: Drogue's CoAP device endpoint, one UDP socket per loop on one port.
final class CoAPAdapter: AdapterInstance, @unchecked Sendable {
    private let host: PluginHost
    private let configuration: CoAPConfiguration
    private var group: EventLoopGroup?
    private var endpoints: [CoAPEndpoint] = []

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try CoAPConfiguration(config)
    }

    func start() throws(PluginError) {
        do {
            let group = try EventLoopGroup(name: "coap", count: configuration.eventLoops)
            self.group = group
            var perLoop = configuration
            perLoop.maxExchanges = max(1, configuration.maxExchanges / group.loops.count)
            let throttle = AuthenticationThrottle(host: host, metricPrefix: "coap")
            let faults = ClientFaultLog(host: host)
            // Bound here, so a taken port fails the start (and /readyz) instead of a log line.
            // The first socket fixes the port (port 0 included), the others share it.
            var address = configuration.address
            for loop in group.loops {
                let socket = try UDPSocket(address: address, on: loop, sharedPort: true)
                address = socket.address.description
                endpoints.append(CoAPEndpoint(socket: socket, host: host, configuration: perLoop, throttle: throttle, faults: faults))
            }
            let host = host
            for endpoint in endpoints {
                endpoint.loop.execute {
                    do throws(IOError) { try endpoint.start() } catch { host.log(.error, "coap: cannot receive on \(endpoint.address): \(error)") }
                }
            }
            host.reportListening(label: "device endpoint", address: address)
        } catch {
            stop()
            throw PluginError("coap: cannot listen on \(configuration.address): \(error)", status: .unavailable)
        }
    }

    /// Requests in progress finish as their completions arrive; new ones keep being answered
    /// until stop (a datagram has no connection to refuse).
    func drain(deadlineUnixMilliseconds: Int64) {}

    func stop() {
        for endpoint in endpoints { endpoint.loop.execute { endpoint.stop() } }
        endpoints.removeAll()
        group?.stop()
        group = nil
    }
}
