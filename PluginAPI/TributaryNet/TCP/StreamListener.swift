/// A listener that hands each accepted connection over as a `ByteStream`: plain TCP, or TLS when
/// a context is given (a connection whose TLS setup fails is closed). Every TCP server of a plugin
/// (HTTP, MQTT) starts from here, so TLS termination is written once.
public final class StreamListener: Sendable {
    private let listener: TCPListener

    public var port: UInt16 { listener.port }

    /// The bound address (with the real port when port 0 was asked for).
    public var address: SocketAddress { listener.address }

    /// Connections accepted here and not yet closed.
    public var openConnections: Int { listener.openConnections }

    /// Binds `address`; `onStream` runs on the connection's loop. Accepting starts with `start()`.
    public convenience init(address: String, group: EventLoopGroup, tls: TLSContext?, maxConnections: Int,
                            onStream: @escaping @Sendable (any ByteStream) -> Void) throws(IOError) {
        let fixed: (@Sendable () -> TLSContext)?
        if let tls {
            fixed = { tls }
        } else {
            fixed = nil
        }
        try self.init(address: address, group: group, tlsContext: fixed, maxConnections: maxConnections, onStream: onStream)
    }

    /// The same with the context asked for at each accepted connection, so a reloaded
    /// certificate (`ReloadingTLSContext`) serves the next handshake.
    public init(address: String, group: EventLoopGroup, tlsContext: (@Sendable () -> TLSContext)?, maxConnections: Int,
                onStream: @escaping @Sendable (any ByteStream) -> Void) throws(IOError) {
        listener = try TCPListener(address: address, group: group, maxConnections: maxConnections) { connection in
            guard let tlsContext else { return onStream(connection) }
            guard let stream = try? TLSStream(transport: connection, context: tlsContext()) else { return connection.close(immediately: true) }
            onStream(stream)
        }
    }

    public func start() { listener.start() }

    /// Stops accepting; established connections stay.
    public func stop() { listener.stop() }
}
