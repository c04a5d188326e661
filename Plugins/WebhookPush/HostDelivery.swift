import Synchronization
import TributarySDK

/// The host's delivery of one batch, completed once every event of it has an outcome: `.ok`
/// only when all of them were accepted (delivered, or durable in the spool), else the first
/// failure.
final class HostDelivery: Sendable {
    private let batch: SinkBatch
    private let count: Int
    private let state: Mutex<(remaining: Int, status: Status)>

    init(_ batch: SinkBatch) {
        self.batch = batch
        count = batch.count
        state = Mutex((count, .ok))
    }

    /// One event's outcome. The last one completes the host's operation; the batch (and its
    /// events) must not be touched after that, which is why events are copied on arrival.
    func finish(_ status: Status) {
        if count == 1 { return batch.complete(status) }
        let done: Status? = state.withLock { state in
            if state.status == .ok && status != .ok { state.status = status }
            state.remaining -= 1
            return state.remaining == 0 ? state.status : nil
        }
        if let done { batch.complete(done) }
    }
}
