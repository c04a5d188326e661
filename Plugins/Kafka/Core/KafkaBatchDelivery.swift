import Synchronization
import TributarySDK

/// One host batch whose records are with librdkafka: completed once every record's delivery
/// report has come, with OK only when Kafka acknowledged all of them, so no device is told its
/// event is safe while part of it is not. Each record holds one retain of this object as its
/// librdkafka opaque.
final class KafkaBatchDelivery: Sendable {
    private struct Progress {
        var remaining: Int
        var outcome = Status.ok
    }

    private let batch: SinkBatch
    private let progress: Mutex<Progress>
    let producedNanoseconds: Int64
    private let finished: @Sendable (Status, _ latencyNanoseconds: Int64) -> Void

    init(_ batch: SinkBatch, finished: @escaping @Sendable (Status, Int64) -> Void) {
        self.batch = batch
        progress = Mutex(Progress(remaining: batch.count))
        producedNanoseconds = SystemClock.monotonicNanoseconds()
        self.finished = finished
    }

    /// One record is done (delivered, failed, or never produced). The worst outcome wins:
    /// cancelled (drain purged it: the host hands the batch on) over failed over OK.
    func recordDone(_ status: Status) {
        let outcome = progress.withLock { progress -> Status? in
            if status != .ok && (progress.outcome == .ok || status == .cancelled) { progress.outcome = status }
            progress.remaining -= 1
            return progress.remaining == 0 ? progress.outcome : nil
        }
        guard let outcome else { return }
        finished(outcome, SystemClock.monotonicNanoseconds() - producedNanoseconds)
        batch.complete(outcome)
    }
}
