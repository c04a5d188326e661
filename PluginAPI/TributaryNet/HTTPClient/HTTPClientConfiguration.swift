/// How an ``HTTPClient`` pools connections and bounds its waits.
public struct HTTPClientConfiguration: Sendable {
    /// Connections one origin may have open on one loop (connecting, busy or idle). Requests
    /// beyond them wait, in order, for a connection to come free.
    public var maxConnectionsPerOrigin: Int
    /// How long a TCP connect (name resolution included) may take.
    public var connectTimeoutMilliseconds: Int64
    /// Idle keep-alive connections are closed after this. Below common server keep-alive
    /// timeouts (nginx 75 s), so the client usually closes first.
    public var idleTimeoutMilliseconds: Int64
    /// What a response may make the decoder hold.
    public var limits: HTTPDecoderLimits

    public init(maxConnectionsPerOrigin: Int = 8, connectTimeoutMilliseconds: Int64 = 5_000,
                idleTimeoutMilliseconds: Int64 = 30_000, limits: HTTPDecoderLimits = HTTPDecoderLimits()) {
        precondition(maxConnectionsPerOrigin > 0 && connectTimeoutMilliseconds > 0 && idleTimeoutMilliseconds > 0)
        self.maxConnectionsPerOrigin = maxConnectionsPerOrigin
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.idleTimeoutMilliseconds = idleTimeoutMilliseconds
        self.limits = limits
    }
}
