import CTributary
import TributaryNet
import TributarySDK

/// The `http` protocol adapter: Drogue's HTTP device API, the command API and the WebSocket
/// integration, on the SDK's event loops.
final class HTTPAdapter: AdapterInstance, @unchecked Sendable {
    private let host: PluginHost
    private let configuration: HTTPConfiguration
    private let metrics: HTTPMetrics
    private var group: EventLoopGroup?
    private var servers: [HTTPServer] = []

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
        do {
            let group = try EventLoopGroup(name: "http", count: configuration.eventLoops)
            self.group = group
            let devices = DeviceAPI(host: host, configuration: configuration, metrics: metrics)
            let applications = ApplicationAPI(host: host, configuration: configuration, metrics: metrics)
            var listeners: [(String, TLSContext?, any HTTPRequestHandler)] = [
                (configuration.deviceAddress, nil, devices), (configuration.applicationAddress, nil, applications),
            ]
            if let tls = configuration.tls {
                var deviceTLS = tls
                deviceTLS.requestClientCertificate = true
                listeners.append((configuration.deviceTLSAddress, try TLSContext(server: deviceTLS), devices))
                listeners.append((configuration.applicationTLSAddress, try TLSContext(server: tls), applications))
            }
            for (address, tls, handler) in listeners {
                let server = try HTTPServer(address: address, group: group, tls: tls, configuration: configuration.server, handler: handler)
                servers.append(server)
                server.start()
                host.log(.info, "listening on \(address)\(tls == nil ? "" : " (TLS)")")
            }
        } catch let error as IOError {
            stop()
            throw PluginError("cannot listen: \(error)", status: .unavailable)
        } catch {
            stop()
            throw PluginError("cannot start: \(error)", status: .internalError)
        }
    }

    /// Stops accepting; requests in progress finish as their completions arrive (the host fails
    /// what is still pending at the deadline).
    func drain(deadlineUnixMilliseconds: Int64) {
        for server in servers { server.stop() }
        servers.removeAll()
    }

    func stop() {
        for server in servers { server.stop() }
        servers.removeAll()
        group?.stop()
        group = nil
    }
}

@c(trib_plugin_entry)
public func tribPluginEntry(
    hostMajor: UInt32, hostMinor: UInt32,
    descriptor: UnsafeMutablePointer<UnsafePointer<trib_type_plugin_descriptor>?>?
) -> Int32 {
    PluginExport.entry(
        hostMajor: hostMajor, hostMinor: hostMinor, descriptor: descriptor,
        definition: PluginDefinition(
            name: "http", version: "1.0.0",
            description: "Drogue's HTTP device API, command API and WebSocket integration.",
            kind: .adapter, make: { host, config throws(PluginError) in try HTTPAdapter(host: host, config: config) }))
}
