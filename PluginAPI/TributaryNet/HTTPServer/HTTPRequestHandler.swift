/// What an HTTP server's user implements: one call per request, answered through the responder
/// exactly once, from any thread, now or later (a long poll, an authentication in flight).
public protocol HTTPRequestHandler: AnyObject, Sendable {
    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder)
}
