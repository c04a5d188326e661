/// What an HTTP server's user implements: one call per request, answered through the responder
/// exactly once, from any thread, now or later (a long poll, an authentication in flight).
public protocol HTTPRequestHandler: AnyObject, Sendable {
    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder)
}

/// What the server knows about the connection a request came on.
public struct HTTPConnectionInfo: Sendable {
    public var remoteAddress: String
    public var isTLS: Bool
    /// The client's certificate chain (DER, leaf first) when it presented one over TLS.
    public var peerCertificates: [[UInt8]]
}
