/// What a WebSocket endpoint implements. Calls come on the session's loop; `WebSocketSession`'s
/// `send` and `close` may be called from any thread.
public protocol WebSocketDelegate: AnyObject, Sendable {
    func webSocketOpened(_ session: WebSocketSession)
    /// A data message (`.text` or `.binary`); pings are answered and pongs dropped by the session.
    func webSocket(_ session: WebSocketSession, received event: WebSocketEvent)
    /// The session ended (either side, or an error); called exactly once.
    func webSocketClosed(_ session: WebSocketSession)
    /// The peer broke the protocol (a malformed frame, invalid UTF-8, an oversized message); the
    /// session closes with `code`. For the endpoint's log.
    func webSocket(_ session: WebSocketSession, violated reason: String, closing code: UInt16)
}

extension WebSocketDelegate {
    public func webSocket(_ session: WebSocketSession, violated reason: String, closing code: UInt16) {}
}
