import TributarySDK

/// The listeners of one network adapter and the event-loop group they run on, with the lifecycle
/// every adapter needs: start binds everything (or nothing: a failure closes what was opened),
/// `stopAccepting` is the adapter's drain, `stop` ends the loops and their connections. TLS
/// endpoints follow their certificate files (`TLSFileWatch`): a rotated certificate serves the
/// next handshake without a restart.
public final class ServerEndpoints: @unchecked Sendable {
    public struct Endpoint: Sendable {
        public var address: String
        /// Serve TLS with this certificate; nil is plain TCP.
        public var tls: TLSServerConfiguration?
        /// What the endpoint is, as the host lists and logs it ("devices", "application API");
        /// a TLS endpoint's gets " (TLS)" appended.
        public var label: String
        public var onStream: @Sendable (any ByteStream) -> Void

        public init(address: String, tls: TLSServerConfiguration? = nil, label: String,
                    onStream: @escaping @Sendable (any ByteStream) -> Void) {
            self.address = address
            self.tls = tls
            self.label = label
            self.onStream = onStream
        }
    }

    private var group: EventLoopGroup?
    private var listeners: [StreamListener] = []
    private var tlsWatch: TLSFileWatch?

    public init() {}

    /// Creates `eventLoops` loops (0: one per core) and starts every endpoint, reporting each
    /// bound address to `host` (so port 0 is usable). A failure to listen is `.unavailable`
    /// (another process holds the port); any other failure `.internalError`.
    public func start(name: String, eventLoops: Int, maxConnections: Int, _ endpoints: [Endpoint],
                      host: PluginHost) throws(PluginError) {
        do {
            let group = try EventLoopGroup(name: name, count: eventLoops)
            self.group = group
            var reloading: [(label: String, files: any ReloadableTLSFiles)] = []
            for endpoint in endpoints {
                let context = try endpoint.tls.map { configuration throws(TLSError) in try ReloadingTLSContext(configuration) }
                if let context { reloading.append((endpoint.label + " (TLS)", context)) }
                var handshake: (@Sendable () -> TLSContext)?
                if let context { handshake = { context.current } }
                let listener = try StreamListener(address: endpoint.address, group: group, tlsContext: handshake,
                                                  maxConnections: maxConnections, onStream: endpoint.onStream)
                listeners.append(listener)
                listener.start()
                host.reportListening(label: endpoint.label + (context == nil ? "" : " (TLS)"), address: listener.address.description)
            }
            if !reloading.isEmpty {
                let watch = TLSFileWatch(metrics: "\(name)_tls", part: "tls listeners", host: host, items: reloading)
                watch.start()
                tlsWatch = watch
            }
        } catch let error as IOError {
            stop()
            throw PluginError("cannot listen: \(error)", status: .unavailable)
        } catch {
            stop()
            throw PluginError("cannot start: \(error)", status: .internalError)
        }
    }

    /// Stops accepting; established connections stay until `stop`.
    public func stopAccepting() {
        for listener in listeners { listener.stop() }
        listeners.removeAll()
    }

    public func stop() {
        tlsWatch?.stop()
        tlsWatch = nil
        stopAccepting()
        group?.stop()
        group = nil
    }
}
