/// A whole response as ``HTTPResponseDecoder`` yields it to the HTTP client.
public struct HTTPClientResponse: Sendable, Equatable {
    /// 100 to 999; RFC 9110 section 15 tells clients to treat 600 and above like 500.
    public var status: Int
    /// As received, for logs; bytes that are not UTF-8 become U+FFFD.
    public var reason: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    /// The complete body, at most ``HTTPDecoderLimits/maxBodyBytes``.
    public var body: [UInt8]
    /// Fields after a chunked body.
    public var trailers: HTTPHeaders

    public init(
        status: Int, reason: String = "", version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:],
        body: [UInt8] = [], trailers: HTTPHeaders = [:]
    ) {
        self.status = status
        self.reason = reason
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
    }

    /// Whether the connection may carry another request (RFC 9112 section 9.3). False as well
    /// when the body ran until the server closed, which ``HTTPResponseDecoder`` reports by
    /// returning the response from `finish()`.
    public var keepAlive: Bool { version.keepsAlive(headers) }
}
