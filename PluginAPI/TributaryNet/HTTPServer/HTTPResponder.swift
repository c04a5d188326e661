import Synchronization

/// Answers one request. Safe from any thread: the answer hops to the connection's loop. The
/// first answer counts; later ones are ignored.
public final class HTTPResponder: Sendable {
    private let connection: HTTPServerConnection
    private let answered = Atomic<Bool>(false)

    init(connection: HTTPServerConnection) { self.connection = connection }

    public func respond(_ response: HTTPResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let connection = connection
        connection.loop.execute { connection.finish(response) }
    }

    /// Answers with `101 Switching Protocols` (from `WebSocketHandshake.response(to:)`) and hands
    /// the connection to a WebSocket session driven by `delegate`.
    public func upgrade(_ response: HTTPResponse, to delegate: any WebSocketDelegate) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let connection = connection
        connection.loop.execute { connection.upgrade(response, to: delegate) }
    }

    /// The loop the connection lives on, for handlers that keep per-connection state there.
    public var loop: EventLoop { connection.loop }
}
