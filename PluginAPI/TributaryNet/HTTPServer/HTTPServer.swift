/// An HTTP/1.1 server on an event-loop group: one listener (plain or TLS), connections spread over
/// the loops, requests to one handler.
public final class HTTPServer: Sendable {
    private let listener: StreamListener
    public var port: UInt16 { listener.port }
    /// Connections open now (a test sees the idle timeout close one).
    public var openConnections: Int { listener.openConnections }

    /// Binds `address`; with `tls`, every connection is TLS. Serving starts with `start()`.
    public init(address: String, group: EventLoopGroup, tls: TLSContext? = nil, configuration: HTTPServerConfiguration,
                handler: any HTTPRequestHandler) throws(IOError) {
        listener = try StreamListener(address: address, group: group, tls: tls, maxConnections: configuration.maxConnections) { stream in
            HTTPServer.serve(stream, handler: handler, configuration: configuration)
        }
    }

    /// Serves HTTP/1.1 on an accepted stream (for adapters whose listeners are `ServerEndpoints`).
    public static func serve(_ stream: any ByteStream, handler: any HTTPRequestHandler, configuration: HTTPServerConfiguration) {
        _ = HTTPServerConnection(stream: stream, handler: handler, configuration: configuration)
    }

    public func start() { listener.start() }

    /// Stops accepting; open connections finish what they are doing.
    public func stop() { listener.stop() }
}
