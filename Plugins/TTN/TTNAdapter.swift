import TributaryNet
import TributarySDK

/// The `ttn` protocol adapter: The Things Network (v2) and The Things Stack (v3) uplink webhooks
/// on their own listener, and downlinks through the network server's API.
final class TTNAdapter: AdapterInstance, @unchecked Sendable {
    /// How often expired downlink targets are dropped and empty applications lose their route.
    static let expiryIntervalMilliseconds: Int64 = 60_000

    private let host: PluginHost
    private let configuration: TTNConfiguration
    private let downlinkTLS: ReloadingTLSClientContext
    private var downlinkTLSWatch: TLSFileWatch?
    private let endpoints = ServerEndpoints()
    private var clientGroup: EventLoopGroup?
    private var client: HTTPClient?
    private var directory: DownlinkDirectory?

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try TTNConfiguration(config)
        do {
            // Fail at configuration time (tributary check) rather than at start or first downlink.
            if let tls = configuration.tls { _ = try TLSContext(server: tls) }
            downlinkTLS = try ReloadingTLSClientContext(configuration.downlinkTLS)
        } catch {
            throw PluginError("\(config.file): \(error)")
        }
    }

    func start() throws(PluginError) {
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(name: "ttn-downlink", count: 1)
        } catch {
            throw PluginError("cannot start event loops: \(error)", status: .internalError)
        }
        clientGroup = group
        let client = HTTPClient(group: group, configuration: HTTPClientConfiguration(
            connectTimeoutMilliseconds: configuration.downlinkTimeoutMilliseconds), tls: downlinkTLS)
        self.client = client
        downlinkTLSWatch = TLSFileWatch.following(downlinkTLS, label: "downlink client", metrics: "ttn_tls_client", host: host)
        let metrics = TTNMetrics(host: host)
        let directory = DownlinkDirectory(capacity: configuration.maxDownlinkTargets, ttlNanoseconds: configuration.downlinkTTLNanoseconds)
        self.directory = directory
        let sender = DownlinkSender(host: host, client: client, directory: directory, configuration: configuration, metrics: metrics)
        let api = TTNWebhookAPI(host: host, configuration: configuration, metrics: metrics, directory: directory, downlinks: sender)
        let server = configuration.server
        let endpoint = ServerEndpoints.Endpoint(address: configuration.address, tls: configuration.tls, label: "webhooks",
                                                onStream: { HTTPServer.serve($0, handler: api, configuration: server) })
        do {
            try endpoints.start(name: "ttn", eventLoops: configuration.eventLoops, maxConnections: server.maxConnections, [endpoint], host: host)
        } catch {
            stop()
            throw error
        }
        let loop = group.loops[0]
        let host = host
        loop.execute { Self.scheduleExpiry(on: loop, directory: directory, host: host, metrics: metrics) }
    }

    private static func scheduleExpiry(on loop: EventLoop, directory: DownlinkDirectory, host: PluginHost, metrics: TTNMetrics) {
        _ = loop.scheduleTimer(afterMilliseconds: expiryIntervalMilliseconds) {
            for route in directory.expire() { host.removeCommandRoute(route) }
            metrics.downlinkTargets?.set(Int64(directory.count))
            scheduleExpiry(on: loop, directory: directory, host: host, metrics: metrics)
        }
    }

    /// Stops accepting webhooks; downlinks in flight finish or time out.
    func drain(deadlineUnixMilliseconds: Int64) { endpoints.stopAccepting() }

    func stop() {
        downlinkTLSWatch?.stop()
        endpoints.stop()
        for route in directory?.removeAll() ?? [] { host.removeCommandRoute(route) }
        client?.shutdown()
        clientGroup?.stop()
        client = nil
        clientGroup = nil
    }
}
