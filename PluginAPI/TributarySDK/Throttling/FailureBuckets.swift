import Synchronization

/// Token buckets, one per key (a source address, a device), that ration failures: an attempt
/// takes a token before it costs anything, a success gives it back, so only failures drain a
/// bucket and a key that keeps succeeding is never held back. Taking before the outcome is known
/// keeps a burst of concurrent attempts inside the budget too.
///
/// At most `maxKeys` buckets are kept: past that, full buckets (keys quiet long enough to have
/// refilled) are forgotten first, then arbitrary ones, so memory stays bounded whatever keys an
/// attacker invents (a forgotten key starts again with a full budget).
public final class FailureBuckets: Sendable {
    public let burst: Double
    public let refillPerSecond: Double
    public let maxKeys: Int
    private let now: @Sendable () -> Int64
    /// A struct, not a tuple: a tuple's metadata is looked up at run time on every use in
    /// unspecialized code, a lock and a hash per login.
    private struct Bucket {
        var tokens: Double
        var at: Int64
    }
    private let buckets = Mutex<[String: Bucket]>([:])

    /// `now` is monotonic nanoseconds; tests pass a clock they move.
    public init(burst: Int, refillPerSecond: Double, maxKeys: Int = 10_000,
                now: @escaping @Sendable () -> Int64 = SystemClock.monotonicNanoseconds) {
        self.burst = Double(burst)
        self.refillPerSecond = refillPerSecond
        self.maxKeys = maxKeys
        self.now = now
    }

    /// Takes one token for an attempt; false (nothing taken) when `key` is out of budget.
    public func take(_ key: String) -> Bool {
        let time = now()
        return buckets.withLock { buckets in
            var bucket: Bucket = buckets[key].map { refilled($0, at: time) } ?? Bucket(tokens: burst, at: time)
            guard bucket.tokens >= 1 else { return false }
            bucket.tokens -= 1
            if buckets[key] == nil && buckets.count >= maxKeys { evict(&buckets, at: time) }
            buckets[key] = bucket
            return true
        }
    }

    /// Keys with a bucket now.
    var count: Int { buckets.withLock { $0.count } }

    /// Returns the token of an attempt that succeeded.
    public func refund(_ key: String) {
        buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return }
            buckets[key] = Bucket(tokens: min(burst, bucket.tokens + 1), at: bucket.at)
        }
    }

    private func refilled(_ bucket: Bucket, at time: Int64) -> Bucket {
        let elapsed = Double(max(0, time - bucket.at)) / 1e9
        return Bucket(tokens: min(burst, bucket.tokens + elapsed * refillPerSecond), at: time)
    }

    private func evict(_ buckets: inout [String: Bucket], at time: Int64) {
        buckets = buckets.filter { refilled($0.value, at: time).tokens < burst }
        while buckets.count >= maxKeys, let any = buckets.keys.first { buckets.removeValue(forKey: any) }
    }
}
