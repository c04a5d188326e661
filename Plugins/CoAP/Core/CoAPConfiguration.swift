import TributarySDK

/// The `coap` plugin's drop-in keys (every one optional):
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `address` | string | `0.0.0.0:5683` | UDP address of the device endpoint |
/// | `event_loops` | integer | 0 (one per core) | one socket per loop on the same port (SO_REUSEPORT); the kernel keeps each peer on one |
/// | `max_body_bytes` | integer | 65536 | a larger request body (whole or by Block1) gets 4.13 with Size1 |
/// | `max_command_wait_seconds` | integer | 60 | upper bound of a device's `ct` |
/// | `ack_delay_ms` | integer | 1000 | a confirmable request not answered within this gets an empty ACK, the response follows separately (below the clients' 2 s ACK_TIMEOUT, so they do not retransmit) |
/// | `max_exchanges` | integer | 100000 | requests in progress or remembered for deduplication, all peers together (split over the loops); when full the oldest answer is forgotten, and only requests in progress past it get 5.03 |
/// | `max_exchanges_per_peer` | integer | 16 | requests in progress per source address and port; past it 5.03 |
/// | `peer_rate` | integer | 20000 | requests a second one source address may send (burst: one second's worth); past it 5.03 with Max-Age, nothing remembered; 0 = no limit |
/// | `exchange_lifetime_ms` | integer | 247000 | how long an answered request is remembered, so a retransmission gets the same answer (RFC 7252 EXCHANGE_LIFETIME) |
struct CoAPConfiguration: Sendable {
    var address: String
    var eventLoops: Int
    var maxBodyBytes: Int
    var maxCommandWaitSeconds: Int64
    var ackDelayMilliseconds: Int64
    var maxExchanges: Int
    var maxExchangesPerPeer: Int
    var exchangeLifetimeMilliseconds: Int64
    var peerRate: Int

    init(_ config: PluginConfig) throws(PluginError) {
        address = try config.string("address", default: "0.0.0.0:5683")
        eventLoops = Int(try config.integer("event_loops", default: 0, range: 0...256))
        maxBodyBytes = Int(try config.integer("max_body_bytes", default: 64 << 10, range: 16...(16 << 20)))
        maxCommandWaitSeconds = try config.integer("max_command_wait_seconds", default: 60, range: 0...3600)
        ackDelayMilliseconds = try config.integer("ack_delay_ms", default: 1000, range: 1...60_000)
        maxExchanges = Int(try config.integer("max_exchanges", default: 100_000, range: 1...10_000_000))
        maxExchangesPerPeer = Int(try config.integer("max_exchanges_per_peer", default: 16, range: 1...100_000))
        exchangeLifetimeMilliseconds = try config.integer("exchange_lifetime_ms", default: 247_000, range: 1...3_600_000)
        peerRate = Int(try config.integer("peer_rate", default: 20_000, range: 0...10_000_000))
        try config.finish()
    }
}
