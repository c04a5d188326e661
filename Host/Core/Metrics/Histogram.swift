import Synchronization

/// A Prometheus histogram of durations with fixed buckets, lock-free to observe.
///
/// The buckets span 100 µs to 10 s because sink latencies range from an in-memory append to a
/// webhook retried behind a slow consumer.
public final class Histogram: Sendable {
    public static let boundsSeconds: [Double] = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10]
    private static let boundsNanoseconds: [Int64] = boundsSeconds.map { Int64($0 * 1e9) }

    private let buckets: [Counter]
    private let sumNanoseconds = Counter()
    private let total = Counter()

    public init() { buckets = Histogram.boundsSeconds.map { _ in Counter() } }

    public func observe(nanoseconds: Int64) {
        total.add()
        sumNanoseconds.add(nanoseconds)
        if let index = Histogram.boundsNanoseconds.firstIndex(where: { nanoseconds <= $0 }) {
            buckets[index].add()
        }
    }

    /// Cumulative bucket counts, the sum in seconds and the count, as Prometheus wants them.
    public var snapshot: (cumulative: [Int64], sumSeconds: Double, count: Int64) {
        var running: Int64 = 0
        let cumulative = buckets.map { bucket -> Int64 in
            running += bucket.value
            return running
        }
        return (cumulative, Double(sumNanoseconds.value) / 1e9, total.value)
    }
}
