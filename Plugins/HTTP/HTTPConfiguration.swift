import TributaryNet
import TributarySDK

/// The `http` plugin's drop-in keys (every one optional):
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `device_address` | string | `0.0.0.0:8080` | device API (`POST /v1/{channel}`) |
/// | `application_address` | string | `0.0.0.0:8081` | command API and WebSocket integration |
/// | `tls_certificate`, `tls_key` | string (PEM files) | none | both set: also serve TLS |
/// | `device_tls_address` | string | `0.0.0.0:8443` | device API over TLS (client certificates requested) |
/// | `application_tls_address` | string | `0.0.0.0:8444` | application API over TLS |
/// | `event_loops` | integer | 0 (one per core) | |
/// | `max_body_bytes` | integer | 1048576 | larger bodies get 413 |
/// | `max_command_wait_seconds` | integer | 60 | upper bound of a device's `ct` |
/// | `auth_cache_ms` | integer | 1000 | an accepted device authentication is reused this long by requests presenting the same `Authorization`, client certificate, names and `as`; 0 = ask every time |
/// | `auth_cache_entries` | integer | 10000 | accepted device authentications kept |
/// | `request_timeout_ms` | integer | 10000 | a request must arrive whole within this (else 408) |
/// | `idle_timeout_ms` | integer | 60000 | keep-alive connections idle longer are closed |
/// | `max_connections` | integer | 10000 | per listener |
/// | `websocket_queue` | integer | 1024 | events held per WebSocket consumer before dropping |
struct HTTPConfiguration: Sendable {
    var deviceAddress: String
    var applicationAddress: String
    var tls: TLSServerConfiguration?
    var deviceTLSAddress: String
    var applicationTLSAddress: String
    var eventLoops: Int
    var server: HTTPServerConfiguration
    var maxCommandWaitSeconds: Int64
    var authCacheMilliseconds: Int64
    var authCacheEntries: Int
    var websocketQueue: UInt32

    init(_ config: PluginConfig) throws(PluginError) {
        deviceAddress = try config.string("device_address", default: "0.0.0.0:8080")
        applicationAddress = try config.string("application_address", default: "0.0.0.0:8081")
        tls = try TLSServerConfiguration.fromKeys(of: config)
        deviceTLSAddress = try config.string("device_tls_address", default: "0.0.0.0:8443")
        applicationTLSAddress = try config.string("application_tls_address", default: "0.0.0.0:8444")
        eventLoops = Int(try config.integer("event_loops", default: 0, range: 0...256))
        server = try HTTPServerConfiguration.fromKeys(of: config, maxBodyBytes: 1 << 20, range: 0...(64 << 20))
        maxCommandWaitSeconds = try config.integer("max_command_wait_seconds", default: 60, range: 0...3600)
        authCacheMilliseconds = try config.integer("auth_cache_ms", default: 1000, range: 0...60_000)
        authCacheEntries = Int(try config.integer("auth_cache_entries", default: 10_000, range: 1...10_000_000))
        websocketQueue = UInt32(try config.integer("websocket_queue", default: 1024, range: 1...1_000_000))
        try config.finish()
    }
}
