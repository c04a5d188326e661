/// Why an HTTP request got no response. A response of any status, 4xx and 5xx included, is a
/// success for the client: what a status means is the caller's business.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request could not be encoded (a method or target the encoder refuses).
    case invalidRequest(String)
    /// Name resolution or the TCP connect failed (refused, unreachable, connect timeout).
    case connectFailed(String)
    /// The TLS handshake failed, for example a certificate that does not verify.
    case tlsFailed(String)
    /// No whole response arrived within the request's timeout (waiting for a connection
    /// included); the connection it was on is closed.
    case timedOut
    /// The server closed the connection before the whole response arrived.
    case connectionClosed
    /// The response broke HTTP/1.1 framing or a decoder limit; the connection is closed.
    case malformedResponse(HTTPParseError)
    /// The client was shut down before the request finished.
    case shutdown

    public var description: String {
        switch self {
        case .invalidRequest(let reason): "invalid request: \(reason)"
        case .connectFailed(let reason): "cannot connect: \(reason)"
        case .tlsFailed(let reason): "TLS failed: \(reason)"
        case .timedOut: "timed out"
        case .connectionClosed: "the server closed the connection before the response was complete"
        case .malformedResponse(let error): "malformed response: \(error)"
        case .shutdown: "the client was shut down"
        }
    }
}
