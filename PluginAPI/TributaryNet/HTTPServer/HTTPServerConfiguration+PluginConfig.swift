import TributarySDK

extension HTTPServerConfiguration {
    /// The keys every HTTP adapter takes for its server: `max_body_bytes` (larger bodies get 413),
    /// `request_timeout_ms` (10000: a request must arrive whole within it, else 408),
    /// `idle_timeout_ms` (60000: idle keep-alive connections are closed) and `max_connections`
    /// (10000 per listener). The body bound's default and range are the adapter's.
    public static func fromKeys(of config: PluginConfig, maxBodyBytes: Int64, range: ClosedRange<Int64>) throws(PluginError) -> HTTPServerConfiguration {
        var limits = HTTPDecoderLimits()
        limits.maxBodyBytes = Int(try config.integer("max_body_bytes", default: maxBodyBytes, range: range))
        return HTTPServerConfiguration(
            limits: limits,
            requestTimeoutMilliseconds: try config.integer("request_timeout_ms", default: 10_000, range: 100...600_000),
            idleTimeoutMilliseconds: try config.integer("idle_timeout_ms", default: 60_000, range: 100...3_600_000),
            maxConnections: Int(try config.integer("max_connections", default: 10_000, range: 1...1_000_000)))
    }
}
