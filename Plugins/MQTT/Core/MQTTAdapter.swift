import MQTTCodec
import TributaryNet
import TributarySDK

/// The `mqtt` protocol adapter: Drogue's MQTT device endpoint and MQTT integration, on the SDK's
/// event loops.
final class MQTTAdapter: AdapterInstance, @unchecked Sendable {
    private let context: MQTTContext
    private let endpoints = ServerEndpoints()

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        let configuration = try MQTTConfiguration(config)
        if let tls = configuration.tls {
            do { _ = try TLSContext(server: tls) } catch { throw PluginError("\(config.file): \(error)") }
        }
        context = MQTTContext(host: host, configuration: configuration, devices: DeviceDirectory(), metrics: MQTTMetrics(host: host),
                              throttle: AuthenticationThrottle(host: host, metricPrefix: "mqtt"))
    }

    func start() throws(PluginError) {
        let context = context
        let configuration = context.configuration
        // One budget and one log rate across the instance's loops: the bounds are on the host's
        // memory and its log, not a loop's.
        let partialPackets = PartialPacketBudget(limit: configuration.partialPacketBudget)
        let faults = ClientFaultLog(host: context.host)
        let connect: @Sendable (any ByteStream) -> MQTTConnection = { stream in
            MQTTConnection(stream: stream, maxPacketSize: configuration.maxPacketSize,
                           connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds,
                           maxConnectSize: configuration.maxConnectSize,
                           packetTimeoutMilliseconds: configuration.packetTimeoutMilliseconds,
                           partialPackets: partialPackets, faults: faults)
        }
        let serveDevices: @Sendable (any ByteStream) -> Void = { _ = DeviceSession(context: context, connection: connect($0)) }
        let serveIntegration: @Sendable (any ByteStream) -> Void = { _ = IntegrationSession(context: context, connection: connect($0)) }
        var list = [
            ServerEndpoints.Endpoint(address: configuration.deviceAddress, label: "devices", onStream: serveDevices),
            ServerEndpoints.Endpoint(address: configuration.integrationAddress, label: "integration", onStream: serveIntegration),
        ]
        if let tls = configuration.tls {
            var deviceTLS = tls
            deviceTLS.requestClientCertificate = true
            list.append(.init(address: configuration.deviceTLSAddress, tls: deviceTLS, label: "devices", onStream: serveDevices))
            list.append(.init(address: configuration.integrationTLSAddress, tls: tls, label: "integration", onStream: serveIntegration))
        }
        // MQTT over WebSocket: the upgrade first, then the same sessions on the frames' bytes.
        let overWebSocket: (@escaping @Sendable (any ByteStream) -> Void) -> @Sendable (any ByteStream) -> Void = { serve in
            { stream in
                WebSocketUpgrade.serve(stream, subprotocol: "mqtt", maxFrameSize: configuration.maxPacketSize + 16,
                                       timeoutMilliseconds: configuration.connectTimeoutMilliseconds,
                                       refused: { faults.log(.info, "mqtt websocket \($0)") }, opened: { serve($0) })
            }
        }
        if let address = configuration.deviceWebSocketAddress {
            list.append(.init(address: address, label: "devices (WebSocket)", onStream: overWebSocket(serveDevices)))
        }
        if let address = configuration.integrationWebSocketAddress {
            list.append(.init(address: address, label: "integration (WebSocket)", onStream: overWebSocket(serveIntegration)))
        }
        if let tls = configuration.tls {
            var deviceTLS = tls
            deviceTLS.requestClientCertificate = true
            if let address = configuration.deviceSecureWebSocketAddress {
                list.append(.init(address: address, tls: deviceTLS, label: "devices (WebSocket)", onStream: overWebSocket(serveDevices)))
            }
            if let address = configuration.integrationSecureWebSocketAddress {
                list.append(.init(address: address, tls: tls, label: "integration (WebSocket)", onStream: overWebSocket(serveIntegration)))
            }
        }
        try endpoints.start(name: "mqtt", eventLoops: configuration.eventLoops, maxConnections: configuration.maxConnections, list,
                            host: context.host)
    }

    /// Stops accepting; connected clients stay until stop (their publishes complete or fail).
    func drain(deadlineUnixMilliseconds: Int64) { endpoints.stopAccepting() }

    func stop() { endpoints.stop() }
}
