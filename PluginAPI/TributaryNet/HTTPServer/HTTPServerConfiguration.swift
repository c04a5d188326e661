/// Limits and timeouts of an HTTP/1.1 server; every one bounds what a client controls.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Sizes and counts of one request (header section, body, target).
    public var limits: HTTPDecoderLimits
    /// From the first byte of a request to its last: a client that never finishes gets 408.
    public var requestTimeoutMilliseconds: Int64
    /// How long a keep-alive connection may sit idle between requests.
    public var idleTimeoutMilliseconds: Int64
    /// Open connections per listener; more are closed on accept.
    public var maxConnections: Int

    public init(limits: HTTPDecoderLimits = HTTPDecoderLimits(), requestTimeoutMilliseconds: Int64 = 10_000,
                idleTimeoutMilliseconds: Int64 = 60_000, maxConnections: Int = 10_000) {
        self.limits = limits
        self.requestTimeoutMilliseconds = requestTimeoutMilliseconds
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.maxConnections = maxConnections
    }
}
