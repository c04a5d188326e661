import TributaryNet
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
/// | `auth_cache_ms` | integer | 1000 | an accepted authentication is reused this long for requests presenting the same credentials, names and `as` (a registry change is seen after it); 0 = ask every time |
/// | `auth_cache_entries` | integer | 10000 | accepted authentications kept, per loop |
/// | `dtls_address` | string | `0.0.0.0:5684` when `tls_certificate` is set, else off | UDP address of the DTLS 1.2 endpoint (`coaps`); setting it without a certificate serves pre-shared keys only |
/// | `tls_certificate`, `tls_key` | string (PEM files) | none | the DTLS endpoint's certificate (X.509 handshakes, client certificates requested); followed on disk like every TLS listener's |
/// | `dtls_max_sessions` | integer | 10000 | DTLS sessions held, all peers together (split over the loops); a new one past it pushes out the least recently active |
/// | `dtls_idle_seconds` | integer | 600 | an established DTLS session without traffic this long is forgotten (the device handshakes again) |
/// | `dtls_handshake_seconds` | integer | 10 | a DTLS handshake not finished in this time is dropped |
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
    var authCacheMilliseconds: Int64
    var authCacheEntries: Int
    /// The DTLS endpoint's address; nil: no DTLS.
    var dtlsAddress: String?
    var certificate: TLSServerConfiguration?
    var dtlsMaxSessions: Int
    var dtlsIdleSeconds: Int64
    var dtlsHandshakeSeconds: Int64

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
        authCacheMilliseconds = try config.integer("auth_cache_ms", default: 1000, range: 0...60_000)
        authCacheEntries = Int(try config.integer("auth_cache_entries", default: 10_000, range: 1...10_000_000))
        certificate = try TLSServerConfiguration.fromKeys(of: config)
        dtlsAddress = try config.string("dtls_address") ?? (certificate == nil ? nil : "0.0.0.0:5684")
        dtlsMaxSessions = Int(try config.integer("dtls_max_sessions", default: 10_000, range: 1...10_000_000))
        dtlsIdleSeconds = try config.integer("dtls_idle_seconds", default: 600, range: 1...86_400)
        dtlsHandshakeSeconds = try config.integer("dtls_handshake_seconds", default: 10, range: 1...300)
        try config.finish()
    }
}
