import TributaryNet
import TributarySDK

/// The `ttn` plugin's drop-in keys (every one optional):
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `address` | string | `0.0.0.0:8088` | the webhook listener (`POST /ttn/v2`, `/ttn/`, `/ttn/v3`) |
/// | `tls_certificate`, `tls_key` | string (PEM files) | none | both set: the listener serves TLS |
/// | `payload` | string | `full` | default payload choice: `raw`, `fields` or `full` |
/// | `event_loops` | integer | 0 (one per core) | |
/// | `max_body_bytes` | integer | 262144 | larger webhook bodies get 413 |
/// | `request_timeout_ms`, `idle_timeout_ms`, `max_connections` | integer | 10000, 60000, 10000 | as the http plugin's |
/// | `downlink_mode` | string | `replace` | `push` (queue behind pending downlinks) or `replace` |
/// | `downlink_timeout_ms` | integer | 10000 | a network server's answer to a downlink must arrive within this |
/// | `downlink_ttl_seconds` | integer | 86400 | a downlink target not refreshed by an uplink for this long is forgotten |
/// | `max_downlink_targets` | integer | 100000 | end devices (and applications) with a downlink target held at once |
/// | `downlink_ca_file` | string (PEM) | system store | trust anchors for the network server's TLS certificate |
/// | `allow_http_downlinks` | boolean | false | accept `http://` downlink URLs (a local network server) |
struct TTNConfiguration: Sendable {
    var address: String
    var tls: TLSServerConfiguration?
    var payload: TTNPayloadMode
    var eventLoops: Int
    var server: HTTPServerConfiguration
    var downlinkMode: DownlinkMode
    var downlinkTimeoutMilliseconds: Int64
    var downlinkTTLNanoseconds: Int64
    var maxDownlinkTargets: Int
    var downlinkTLS: TLSClientConfiguration
    var allowHTTPDownlinks: Bool

    init(_ config: PluginConfig) throws(PluginError) {
        address = try config.string("address", default: "0.0.0.0:8088")
        tls = try TLSServerConfiguration.fromKeys(of: config)
        let payloadName = try config.string("payload", default: "full")
        guard let mode = TTNPayloadMode(rawValue: payloadName) else {
            throw PluginError("\(config.file): payload must be raw, fields or full, not '\(payloadName)'")
        }
        payload = mode
        eventLoops = Int(try config.integer("event_loops", default: 0, range: 0...256))
        server = try HTTPServerConfiguration.fromKeys(of: config, maxBodyBytes: 256 << 10, range: 1024...(16 << 20))
        let modeName = try config.string("downlink_mode", default: "replace")
        guard let downlink = DownlinkMode(rawValue: modeName) else {
            throw PluginError("\(config.file): downlink_mode must be push or replace, not '\(modeName)'")
        }
        downlinkMode = downlink
        downlinkTimeoutMilliseconds = try config.integer("downlink_timeout_ms", default: 10_000, range: 100...120_000)
        downlinkTTLNanoseconds = try config.integer("downlink_ttl_seconds", default: 86_400, range: 1...(30 * 86_400)) * 1_000_000_000
        maxDownlinkTargets = Int(try config.integer("max_downlink_targets", default: 100_000, range: 1...10_000_000))
        downlinkTLS = TLSClientConfiguration(caFile: try config.string("downlink_ca_file"))
        allowHTTPDownlinks = try config.boolean("allow_http_downlinks", default: false)
        try config.finish()
    }
}

/// The Things Stack's two downlink operations: add to the device's queue, or replace it.
enum DownlinkMode: String, Sendable {
    case push, replace
}
