/// Accepted device authentications, kept for a short time by an adapter whose devices send their
/// credentials with every message (CoAP, HTTP), so a device posting every few milliseconds is not
/// walked through the authenticator chain each time. Keyed by exactly what the request presented
/// (`Key`: the raw credential and the names it came with), so a different password, device or
/// `as` is a miss. Only `.ok` verdicts are kept: a failure always reaches the authenticators and
/// the throttle. A change in the registry (a disabled device, a removed password) is seen once
/// the entry's `lifetime` is over.
///
/// One thread (an event loop's): no lock. Bounded by `capacity`; when full, expired entries go,
/// and if none has expired, all of them (refilled by the next requests).
public final class DeviceVerdictCache<Key: Hashable> {
    private var entries: [Key: (verdict: DeviceVerdict, expires: Int64)] = [:]
    private let capacity: Int
    private let lifetimeNanoseconds: Int64

    /// `lifetimeMilliseconds` 0 keeps nothing.
    public init(capacity: Int, lifetimeMilliseconds: Int64) {
        self.capacity = max(1, capacity)
        lifetimeNanoseconds = lifetimeMilliseconds * 1_000_000
    }

    /// The kept verdict for `key`, nil when none or expired (`now`: a monotonic clock in
    /// nanoseconds, the loop's).
    public func verdict(for key: Key, now: Int64) -> DeviceVerdict? {
        guard lifetimeNanoseconds > 0, let entry = entries[key] else { return nil }
        guard entry.expires > now else {
            entries[key] = nil
            return nil
        }
        return entry.verdict
    }

    /// Keeps `verdict` when it accepted the device.
    public func keep(_ verdict: DeviceVerdict, for key: Key, now: Int64) {
        guard lifetimeNanoseconds > 0, verdict.status == .ok else { return }
        if entries.count >= capacity, entries[key] == nil {
            entries = entries.filter { $0.value.expires > now }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        }
        entries[key] = (verdict, now + lifetimeNanoseconds)
    }

    public var count: Int { entries.count }
}
