import Synchronization

/// The host-wide bound on what pull consumers' queues hold together (`bus_memory_bytes`): each
/// queued event reserves its size here as well as in its own queue, so a thousand slow consumers
/// cannot together hold more than one budget, while one consumer may absorb a large burst.
final class BusBudget: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)
    private let gauge: Counter

    init(limit: Int, gauge: Counter) {
        self.limit = limit
        self.gauge = gauge
    }

    /// Takes `bytes` of the budget; false (nothing taken) when that would pass the limit.
    func reserve(_ bytes: Int) -> Bool {
        guard used.add(bytes, ordering: .relaxed).newValue <= limit else {
            used.subtract(bytes, ordering: .relaxed)
            return false
        }
        gauge.add(Int64(bytes))
        return true
    }

    func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
        gauge.add(-Int64(bytes))
    }
}
