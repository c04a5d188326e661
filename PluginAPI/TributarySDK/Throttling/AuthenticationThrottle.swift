/// What an adapter puts around device authentication so a client guessing passwords is slowed
/// down per source address before any authenticator spends a hash on it (issue #12: 2,000
/// unique wrong passwords from one address saturated both cores).
///
/// Each source address has `burst` failures, refilled at `refillPerSecond`; an attempt from an
/// address out of budget is answered `.unavailable` at once (MQTT 0x88, HTTP 503) without asking
/// the host, and counted in `tributary_plugin_<prefix>_auth_throttled_total`. Failed logins and
/// throttled attempts are logged at `info` with the peer address and the reason (never the
/// secret) through the adapter's ``ClientFaultLog``, whose rate limit keeps an attack from
/// filling the log and counts what it leaves out.
public final class AuthenticationThrottle: Sendable {
    public static let defaultBurst = 20
    public static let defaultRefillPerSecond = 1.0
    private let sources: FailureBuckets
    private let throttled: Metric?
    private let failed: Metric?

    public init(host: PluginHost?, metricPrefix: String, burst: Int = defaultBurst, refillPerSecond: Double = defaultRefillPerSecond,
                now: @escaping @Sendable () -> Int64 = SystemClock.monotonicNanoseconds) {
        sources = FailureBuckets(burst: burst, refillPerSecond: refillPerSecond, now: now)
        throttled = host?.registerMetric(.counter, name: "\(metricPrefix)_auth_throttled_total",
                                         help: "Device authentications refused unasked: their source address failed too often.")
        failed = host?.registerMetric(.counter, name: "\(metricPrefix)_auth_failed_total",
                                      help: "Device authentications that failed (wrong or unknown credentials).")
    }

    /// `host.authenticateDevice` for a client at `peer` ("address:port"), throttled.
    public func authenticateDevice(_ request: DeviceAuthRequest, from peer: String, host: PluginHost, faults: ClientFaultLog,
                                   done: @escaping @Sendable (DeviceVerdict) -> Void) {
        authenticate(request, from: peer, log: { faults.log(.info, $0) }) { request, verdict in
            host.authenticateDevice(request, done: verdict)
        } done: { done($0) }
    }

    /// The throttling itself, over any way of asking (tests pass a fake authenticator).
    public func authenticate(_ request: DeviceAuthRequest, from peer: String, log: @escaping @Sendable (String) -> Void,
                             ask: (DeviceAuthRequest, @escaping @Sendable (DeviceVerdict) -> Void) -> Void,
                             done: @escaping @Sendable (DeviceVerdict) -> Void) {
        let source = Self.sourceAddress(peer)
        guard sources.take(source) else {
            throttled.add()
            log("device authentication from \(source) throttled: too many failures (device '\(request.device)')")
            return done(DeviceVerdict(status: .unavailable))
        }
        ask(request) { [sources, failed] verdict in
            if verdict.status == .unauthenticated || verdict.status == .notFound {
                failed.add()
                log("device authentication from \(source) failed: \(verdict.status) (application '\(request.application)', device '\(request.device)')")
            } else {
                sources.refund(source)
                if verdict.status != .ok {
                    // Denied (a disabled device), or unavailable (the authenticator's own
                    // throttle, a full hash queue): not the client's guess, but worth seeing.
                    log("device authentication from \(source) refused: \(verdict.status) (application '\(request.application)', device '\(request.device)')")
                }
            }
            done(verdict)
        }
    }

    /// The address without its port: a client reconnects from a new port each time.
    static func sourceAddress(_ peer: String) -> String {
        if peer.hasPrefix("["), let close = peer.firstIndex(of: "]") { return String(peer[...close]) }
        guard let colon = peer.lastIndex(of: ":"), peer.firstIndex(of: ":") == colon else { return peer }
        return String(peer[..<colon])
    }
}
