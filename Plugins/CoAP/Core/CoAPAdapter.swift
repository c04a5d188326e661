import TributaryNet
import TributarySDK

/// The `coap` protocol adapter: Drogue's CoAP device endpoint on one UDP socket and loop.
final class CoAPAdapter: AdapterInstance, @unchecked Sendable {
    private let host: PluginHost
    private let configuration: CoAPConfiguration
    private var group: EventLoopGroup?
    private var endpoint: CoAPEndpoint?

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try CoAPConfiguration(config)
    }

    func start() throws(PluginError) {
        do {
            let group = try EventLoopGroup(name: "coap", count: 1)
            self.group = group
            // Bound here, so a taken port fails the start (and /readyz) instead of a log line.
            let socket = try UDPSocket(address: configuration.address, on: group.next())
            let endpoint = CoAPEndpoint(socket: socket, host: host, configuration: configuration,
                                        throttle: AuthenticationThrottle(host: host, metricPrefix: "coap"), faults: ClientFaultLog(host: host))
            self.endpoint = endpoint
            let host = host
            endpoint.loop.execute {
                do throws(IOError) { try endpoint.start() } catch { host.log(.error, "coap: cannot receive on \(socket.address): \(error)") }
            }
            host.reportListening(label: "device endpoint", address: socket.address.description)
        } catch {
            stop()
            throw PluginError("coap: cannot listen on \(configuration.address): \(error)", status: .unavailable)
        }
    }

    /// Requests in progress finish as their completions arrive; new ones keep being answered
    /// until stop (a datagram has no connection to refuse).
    func drain(deadlineUnixMilliseconds: Int64) {}

    func stop() {
        if let endpoint { endpoint.loop.execute { endpoint.stop() } }
        endpoint = nil
        group?.stop()
        group = nil
    }
}
