import Synchronization

/// What the shards of one sink share: the `max_pending` admission count, the drain flag, the
/// metrics, the dead-letter file and the latency maximum. Atomics, so that a shard finishing an
/// event never contends with `deliver`.
final class SenderShared: Sendable {
    let metrics: WebhookMetrics
    let deadLetters: DeadLetterFile
    private let maxPending: Int
    private let heldCount = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    private let latencyMax = Atomic<Int64>(0)

    init(metrics: WebhookMetrics, deadLetters: DeadLetterFile, maxPending: Int) {
        self.metrics = metrics
        self.deadLetters = deadLetters
        self.maxPending = maxPending
    }

    enum Admission { case admitted, busy, closed }

    /// Counts `count` more events in memory unless that passes `max_pending` (one batch is
    /// always let in when nothing is held) or the sink is draining.
    func admit(_ count: Int) -> Admission {
        if closed.load(ordering: .acquiring) { return .closed }
        let total = heldCount.add(count, ordering: .relaxed).newValue
        if total > maxPending && total > count {
            heldCount.subtract(count, ordering: .relaxed)
            return .busy
        }
        return .admitted
    }

    func release(_ count: Int) { heldCount.subtract(count, ordering: .relaxed) }
    var held: Int { heldCount.load(ordering: .relaxed) }
    func close() { closed.store(true, ordering: .releasing) }

    func observeLatency(_ microseconds: Int64) {
        var seen = latencyMax.load(ordering: .relaxed)
        while microseconds > seen {
            let (exchanged, current) = latencyMax.compareExchange(expected: seen, desired: microseconds, ordering: .relaxed)
            if exchanged { return }
            seen = current
        }
    }

    func takeLatencyMax() -> Int64 { latencyMax.exchange(0, ordering: .relaxed) }
}
