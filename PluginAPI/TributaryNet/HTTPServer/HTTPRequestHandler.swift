/// What an HTTP server's user implements: one call per request, answered through the responder
/// exactly once, from any thread, now or later (a long poll, an authentication in flight).
public protocol HTTPRequestHandler: AnyObject, Sendable {
    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder)
    /// The server refused what a client sent (a malformed or oversized request, a timeout) with
    /// `status` and closed the connection; for the handler's log. On the connection's loop.
    func protocolError(_ status: Int, reason: String, connection: HTTPConnectionInfo)
}

extension HTTPRequestHandler {
    public func protocolError(_ status: Int, reason: String, connection: HTTPConnectionInfo) {}
}
