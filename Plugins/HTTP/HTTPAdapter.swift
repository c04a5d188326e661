import TributaryNet
import TributarySDK

/// The `http` protocol adapter: Drogue's HTTP device API, the command API and the WebSocket
/// integration, on the SDK's event loops.
final class HTTPAdapter: AdapterInstance, @unchecked Sendable {
    private let host: PluginHost
    private let configuration: HTTPConfiguration
    private let metrics: HTTPMetrics
    private let endpoints = ServerEndpoints()

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try HTTPConfiguration(config)
        metrics = HTTPMetrics(host: host)
        if let tls = configuration.tls {
            // Fail at configuration time (tributary check) rather than at start.
            do { _ = try TLSContext(server: tls) } catch { throw PluginError("\(config.file): \(error)") }
        }
    }

    func start() throws(PluginError) {
        let server = configuration.server
        let devices = DeviceAPI(host: host, configuration: configuration, metrics: metrics)
        let applications = ApplicationAPI(host: host, configuration: configuration, metrics: metrics)
        let serveDevices: @Sendable (any ByteStream) -> Void = { HTTPServer.serve($0, handler: devices, configuration: server) }
        let serveApplications: @Sendable (any ByteStream) -> Void = { HTTPServer.serve($0, handler: applications, configuration: server) }
        var list = [
            ServerEndpoints.Endpoint(address: configuration.deviceAddress, label: "device API", onStream: serveDevices),
            ServerEndpoints.Endpoint(address: configuration.applicationAddress, label: "application API", onStream: serveApplications),
        ]
        if let tls = configuration.tls {
            var deviceTLS = tls
            deviceTLS.requestClientCertificate = true
            list.append(.init(address: configuration.deviceTLSAddress, tls: deviceTLS, label: "device API", onStream: serveDevices))
            list.append(.init(address: configuration.applicationTLSAddress, tls: tls, label: "application API", onStream: serveApplications))
        }
        try endpoints.start(name: "http", eventLoops: configuration.eventLoops, maxConnections: server.maxConnections, list, host: host)
    }

    /// Stops accepting; requests in progress finish as their completions arrive (the host fails
    /// what is still pending at the deadline).
    func drain(deadlineUnixMilliseconds: Int64) { endpoints.stopAccepting() }

    func stop() { endpoints.stop() }
}
