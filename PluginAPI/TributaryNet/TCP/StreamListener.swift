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
    public init(address: String, group: EventLoopGroup, tls: TLSContext?, maxConnections: Int,
                onStream: @escaping @Sendable (any ByteStream) -> Void) throws(IOError) {
        listener = try TCPListener(address: address, group: group, maxConnections: maxConnections) { connection in
            guard let tls else { return onStream(connection) }
            guard let stream = try? TLSStream(transport: connection, context: tls) else { return connection.close(immediately: true) }
            onStream(stream)
        }
    }

    public func start() { listener.start() }

    /// Stops accepting; established connections stay.
    public func stop() { listener.stop() }
}
