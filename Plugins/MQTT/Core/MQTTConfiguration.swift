import MQTTCodec
import TributaryNet
import TributarySDK

/// The `mqtt` plugin's drop-in keys (every one optional):
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `device_address` | string | `0.0.0.0:1883` | device endpoint |
/// | `integration_address` | string | `0.0.0.0:1884` | application integration |
/// | `tls_certificate`, `tls_key` | string (PEM files) | none | both set: also serve TLS |
/// | `device_tls_address` | string | `0.0.0.0:8883` | devices over TLS (client certificates requested) |
/// | `integration_tls_address` | string | `0.0.0.0:8884` | integration over TLS |
/// | `device_ws_address`, `integration_ws_address` | string | off | MQTT over WebSocket (`Sec-WebSocket-Protocol: mqtt`), same sessions as TCP |
/// | `device_wss_address`, `integration_wss_address` | string | off | the same over TLS (needs the certificate; devices may present client certificates) |
/// | `dialect` | `drogue/v1`, `plain-topic`, `plain-topic-device-prefix` | `drogue/v1` | how a device's PUBLISH topic names channel and device |
/// | `max_packet_size` | integer | 262144 | larger packets close the connection (0x95); announced in CONNACK |
/// | `max_connect_size` | integer | 16384 | a larger CONNECT is refused (0x95) before it is buffered |
/// | `packet_timeout_ms` | integer | 30000 | a packet started must be complete within this, else the connection closes (0x8D) |
/// | `partial_packet_budget_bytes` | integer | 67108864 | bytes all connections may hold in unfinished packets; past it the one holding most is closed (0x97) |
/// | `receive_maximum` | integer | 100 | QoS 1/2 publishes a client may have unacknowledged; announced in CONNACK |
/// | `max_command_filters` | integer | 64 | distinct command filters one device session may hold; past it SUBACK 0x97 (0x80 in 3.1.1) |
/// | `connect_timeout_ms` | integer | 10000 | time to send CONNECT after connecting |
/// | `max_connections` | integer | 100000 | per listener |
/// | `integration_queue_bytes` | integer | 67108864 | event bytes the host holds for one integration subscription (a burst waits there; past it, and past the host's `bus_memory_bytes`, events are dropped and counted) |
/// | `integration_queue` | integer | 0 (no bound) | events the host holds for one integration subscription, if a count bound is wanted too |
/// | `integration_buffer_bytes` | integer | 1048576 | bytes written to one integration client and not yet taken by its socket; past it the client's subscriptions pause (nothing is dropped here) |
/// | `event_loops` | integer | 1 | network threads; 0 = one per core. One keeps a device and the integration client it feeds on one thread (see the README) |
struct MQTTConfiguration: Sendable {
    enum Dialect: String, Sendable {
        case drogue = "drogue/v1"
        case plainTopic = "plain-topic"
        case plainTopicDevicePrefix = "plain-topic-device-prefix"
    }

    var deviceAddress: String
    var integrationAddress: String
    var tls: TLSServerConfiguration?
    var deviceTLSAddress: String
    var integrationTLSAddress: String
    var deviceWebSocketAddress: String?
    var integrationWebSocketAddress: String?
    var deviceSecureWebSocketAddress: String?
    var integrationSecureWebSocketAddress: String?
    var dialect: Dialect
    var maxPacketSize: Int
    var maxConnectSize: Int
    var packetTimeoutMilliseconds: Int64
    var partialPacketBudget: Int
    var receiveMaximum: UInt16
    var maxCommandFilters: Int
    var connectTimeoutMilliseconds: Int64
    var maxConnections: Int
    var integrationQueue: UInt32
    var integrationQueueBytes: UInt64
    var integrationBufferBytes: Int
    var eventLoops: Int

    init(_ config: PluginConfig) throws(PluginError) {
        deviceAddress = try config.string("device_address", default: "0.0.0.0:1883")
        integrationAddress = try config.string("integration_address", default: "0.0.0.0:1884")
        tls = try TLSServerConfiguration.fromKeys(of: config)
        deviceTLSAddress = try config.string("device_tls_address", default: "0.0.0.0:8883")
        integrationTLSAddress = try config.string("integration_tls_address", default: "0.0.0.0:8884")
        deviceWebSocketAddress = try config.string("device_ws_address")
        integrationWebSocketAddress = try config.string("integration_ws_address")
        deviceSecureWebSocketAddress = try config.string("device_wss_address")
        integrationSecureWebSocketAddress = try config.string("integration_wss_address")
        if tls == nil, deviceSecureWebSocketAddress != nil || integrationSecureWebSocketAddress != nil {
            throw PluginError("\(config.file): device_wss_address and integration_wss_address need tls_certificate and tls_key")
        }
        let dialectName = try config.string("dialect", default: Dialect.drogue.rawValue)
        guard let dialect = Dialect(rawValue: dialectName) else {
            throw PluginError("\(config.file): 'dialect' must be drogue/v1, plain-topic or plain-topic-device-prefix, found '\(dialectName)'")
        }
        self.dialect = dialect
        maxPacketSize = Int(try config.integer("max_packet_size", default: 256 * 1024, range: 128...(256 << 20)))
        maxConnectSize = Int(try config.integer("max_connect_size", default: 16 << 10, range: 128...(256 << 20)))
        packetTimeoutMilliseconds = try config.integer("packet_timeout_ms", default: 30_000, range: 100...600_000)
        partialPacketBudget = Int(try config.integer("partial_packet_budget_bytes", default: 64 << 20, range: (1 << 10)...(1 << 40)))
        receiveMaximum = UInt16(try config.integer("receive_maximum", default: 100, range: 1...65535))
        maxCommandFilters = Int(try config.integer("max_command_filters", default: 64, range: 1...100_000))
        connectTimeoutMilliseconds = try config.integer("connect_timeout_ms", default: 10_000, range: 100...600_000)
        maxConnections = Int(try config.integer("max_connections", default: 100_000, range: 1...10_000_000))
        integrationQueue = UInt32(try config.integer("integration_queue", default: 0, range: 0...1_000_000))
        integrationQueueBytes = UInt64(try config.integer("integration_queue_bytes", default: 64 << 20, range: (64 << 10)...(1 << 34)))
        integrationBufferBytes = Int(try config.integer("integration_buffer_bytes", default: 1 << 20, range: (64 << 10)...(1 << 30)))
        eventLoops = Int(try config.integer("event_loops", default: 1, range: 0...256))
        try config.finish()
    }
}
