import Synchronization
import TributarySDK

/// One host batch whose records are with librdkafka: completed once every record's delivery
/// report has come, with OK only when Kafka acknowledged all of them, so no device is told its
/// event is safe while part of it is not. Each record holds one retain of this object as its
/// librdkafka opaque.
final class KafkaBatchDelivery: Sendable {
    private let batch: SinkBatch
    private let remaining: Atomic<Int>
    /// The worst outcome so far, as its raw status.
    private let outcome = Atomic<Int32>(Status.ok.rawValue)
    let producedNanoseconds: Int64
    private let finished: @Sendable (Status, _ latencyNanoseconds: Int64) -> Void

    init(_ batch: SinkBatch, finished: @escaping @Sendable (Status, Int64) -> Void) {
        self.batch = batch
        remaining = Atomic(batch.count)
        producedNanoseconds = SystemClock.monotonicNanoseconds()
        self.finished = finished
    }

    /// One record is done (delivered, failed, or never produced). The worst outcome wins:
    /// cancelled (drain purged it: the host hands the batch on) over failed over OK.
    func recordDone(_ status: Status) {
        if status != .ok {
            // Cancelled is kept over any failure; a failure only over OK.
            var current = outcome.load(ordering: .relaxed)
            while current == Status.ok.rawValue || (status == .cancelled && current != Status.cancelled.rawValue) {
                let (exchanged, found) = outcome.compareExchange(expected: current, desired: status.rawValue, ordering: .relaxed)
                if exchanged { break }
                current = found
            }
        }
        guard remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let outcome = Status(rawValue: outcome.load(ordering: .relaxed))
        finished(outcome, SystemClock.monotonicNanoseconds() - producedNanoseconds)
        batch.complete(outcome)
    }
}
