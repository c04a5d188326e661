import Synchronization
import TributarySDK

/// The host's delivery of one batch, completed once every event of it has an outcome: `.ok`
/// only when all of them were accepted (delivered, or durable in the spool), else the first
/// failure.
final class HostDelivery: Sendable {
    private let batch: SinkBatch
    private let state: Mutex<(remaining: Int, status: Status)>

    init(_ batch: SinkBatch) {
        self.batch = batch
        state = Mutex((batch.count, .ok))
    }

    /// One event's outcome. The last one completes the host's operation; the batch (and its
    /// events) must not be touched after that, which is why events are copied on arrival.
    func finish(_ status: Status) {
        let done: Status? = state.withLock { state in
            if state.status == .ok && status != .ok { state.status = status }
            state.remaining -= 1
            return state.remaining == 0 ? state.status : nil
        }
        if let done { batch.complete(done) }
    }
}

/// One event in the sender: its copy, its partition key, and what to tell when it is done (the
/// host's delivery without a spool; its cursor ticket with one).
final class OutgoingEvent: @unchecked Sendable {
    let event: CloudEvent
    let key: String
    let acceptedNanoseconds: Int64
    let delivery: HostDelivery?
    let ticket: UInt64

    init(event: CloudEvent, acceptedNanoseconds: Int64, delivery: HostDelivery?, ticket: UInt64 = 0) {
        self.event = event
        key = event.extension("partitionkey") ?? ""
        self.acceptedNanoseconds = acceptedNanoseconds
        self.delivery = delivery
        self.ticket = ticket
    }
}

/// The events of one request and how often it has failed.
struct RequestAttempt: @unchecked Sendable {
    var events: [OutgoingEvent]
    var keys: [String]
    var failures = 0
}
