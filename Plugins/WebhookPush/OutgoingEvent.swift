import CTributary
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

/// One event in the sender, kept as bytes rather than as a `CloudEvent` (a dozen strings to
/// allocate and free per event): its spool record (for the dead-letter file, decoded only then),
/// its request when one event makes one request, or its JSON for batches; its partition key;
/// and what to tell when it is done (the host's delivery without a spool, its cursor ticket
/// with one).
final class OutgoingEvent: Sendable {
    let key: String
    let record: [UInt8]
    /// binary and structured modes: the whole request.
    let request: [UInt8]?
    /// batch mode: the event's CloudEvents JSON.
    let json: [UInt8]?
    let acceptedNanoseconds: Int64
    let delivery: HostDelivery?
    let ticket: UInt64

    /// Encodes `event` (lent by the host, or a spooled record's view) for `binding`'s mode.
    init(_ event: UnsafePointer<trib_type_event>, record: [UInt8]? = nil, binding: CloudEventHTTPBinding, acceptedNanoseconds: Int64,
         delivery: HostDelivery?, ticket: UInt64 = 0) {
        key = event.pointee.partitionkey.string
        self.record = record ?? SpoolRecord.encode(event)
        switch binding.mode {
        case .binary:
            request = binding.encodeBinary(event)
            json = nil
        case .structured:
            request = binding.encodeStructured(json: CloudEventJSONEncoder.encode(event))
            json = nil
        case .batch:
            request = nil
            json = CloudEventJSONEncoder.encode(event)
        }
        self.acceptedNanoseconds = acceptedNanoseconds
        self.delivery = delivery
        self.ticket = ticket
    }

    /// The event as the dead-letter file shows it.
    var cloudEvent: CloudEvent? { SpoolRecord.decode(record[...]) }
}

/// The events of one request and how often it has failed.
struct RequestAttempt: Sendable {
    var events: [OutgoingEvent]
    var failures = 0
}

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
