import CTributary
import Dispatch
import Glibc
import Synchronization

/// One pull consumer on the application-event bus: a queue bounded in bytes (its own bound, and
/// the host-wide ``BusBudget``), optionally in count, drained in order by a serial dispatch queue
/// that calls the plugin's handler, so a slow consumer delays only itself and what overflows its
/// queue is dropped and counted instead of piling up.
///
/// Events wait in `pending`, and one dispatch block drains everything that arrived before it ran:
/// a burst costs one hand-off between threads, not one per event. An inline subscription
/// (`TRIB_SUBSCRIPTION_INLINE`) skips even that hand-off whenever it is idle: the publisher's
/// thread calls the handler itself. `pending.scheduled` is the one token that lets a thread call
/// the handler, so calls never overlap and keep their order either way.
final class Subscription: @unchecked Sendable {
    let id: UInt64
    let application: String
    let channel: String?
    let group: String?
    private let maxEvents: Int
    private let maxBytes: Int
    private let budget: BusBudget
    private let handler: trib_type_event_handler_fn
    private let context: UnsafeMutableRawPointer?
    private let release: trib_type_release_fn?
    private let metrics: InstanceMetrics
    private let queue: DispatchQueue
    /// Events offered and not yet handed to the handler (including a batch being drained), and
    /// their bytes.
    private let queued = Atomic<Int>(0)
    private let queuedBytes = Atomic<Int>(0)
    /// Events waiting for the drain, and whether a drain block is scheduled.
    private let pending = Mutex<(events: [EventRecord], scheduled: Bool)>(([], false))
    /// The batch being drained, swapped out of `pending`. Touched only on `queue`.
    private var draining: [EventRecord] = []
    private let removed = Atomic<Bool>(false)
    private let released = Atomic<Bool>(false)
    private let isInline: Bool
    /// Handler calls in progress on publishers' threads, which `release` must wait out.
    private let inlineCalls = Atomic<Int>(0)

    /// `maxEvents` nil: bounded by bytes alone.
    init(id: UInt64, application: String, channel: String?, group: String?, maxEvents: Int?, maxBytes: Int, budget: BusBudget,
         inline: Bool = false, handler: @escaping trib_type_event_handler_fn, context: UnsafeMutableRawPointer?,
         release: trib_type_release_fn?, metrics: InstanceMetrics) {
        isInline = inline
        self.id = id
        self.application = application
        self.channel = channel
        self.group = group
        self.maxEvents = maxEvents ?? Int.max
        self.maxBytes = maxBytes
        self.budget = budget
        self.handler = handler
        self.context = context
        self.release = release
        self.metrics = metrics
        queue = DispatchQueue(label: "tributary.subscription.\(id)", target: .global())
    }

    /// A subscription's own byte bound when the plugin names none.
    static let defaultQueueBytes = 16 << 20

    func wants(_ record: EventRecord) -> Bool { channel == nil || channel == record.channel }

    var hasRoom: Bool { queued.load(ordering: .relaxed) < maxEvents && queuedBytes.load(ordering: .relaxed) < maxBytes }

    /// Queues the event, or drops and counts it when its queue or the host's budget is full.
    func offer(_ record: EventRecord) {
        let size = record.byteCount
        let fits = queued.add(1, ordering: .relaxed).newValue <= maxEvents
        let fitsBytes = queuedBytes.add(size, ordering: .relaxed).newValue <= maxBytes
        guard fits, fitsBytes, budget.reserve(size) else {
            queued.subtract(1, ordering: .relaxed)
            queuedBytes.subtract(size, ordering: .relaxed)
            metrics.busDropped.add()
            return
        }
        if isInline && pending.withLock({ pending in
            guard !pending.scheduled else { return false }
            pending.scheduled = true
            return true
        }) {
            return deliverInline(record)
        }
        let schedule = pending.withLock { pending -> Bool in
            pending.events.append(record)
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        if schedule { queue.async { [self] in drain() } }
    }

    /// Hands one batch (everything queued when it starts) to the handler. More events arrived
    /// meanwhile are drained by a new block, so a busy subscription takes turns on the shared
    /// worker threads with the others instead of holding one for as long as events keep coming.
    private func drain() {
        pending.withLock { swap(&$0.events, &draining) }
        for record in draining { hand(record) }
        draining.removeAll(keepingCapacity: draining.capacity <= 4096)
        passToken()
    }

    /// The publisher holds the token: it calls the handler, then passes the token to a drain
    /// block if events arrived meanwhile.
    private func deliverInline(_ record: EventRecord) {
        // Counted before `removed` is read, so `cancel` either sees the call or the call sees it.
        inlineCalls.add(1, ordering: .sequentiallyConsistent)
        hand(record)
        inlineCalls.subtract(1, ordering: .sequentiallyConsistent)
        passToken()
    }

    private func hand(_ record: EventRecord) {
        queued.subtract(1, ordering: .relaxed)
        queuedBytes.subtract(record.byteCount, ordering: .relaxed)
        budget.release(record.byteCount)
        guard !removed.load(ordering: .sequentiallyConsistent) else { return }
        if handler(context, record.event) == TRIB_OK {
            metrics.busDelivered.add()
        } else {
            metrics.busDropped.add()
        }
    }

    /// Keeps the token for a new drain block when events are waiting, else gives it up.
    private func passToken() {
        let more = pending.withLock { pending -> Bool in
            pending.scheduled = !pending.events.isEmpty
            return pending.scheduled
        }
        if more { queue.async { [self] in drain() } }
    }

    /// Stops delivery; `release` runs after any handler call in progress, on the same queue.
    func cancel() {
        removed.store(true, ordering: .sequentiallyConsistent)
        queue.async { [self] in
            while inlineCalls.load(ordering: .sequentiallyConsistent) > 0 { usleep(100) }
            release?(context)
            released.store(true, ordering: .releasing)
        }
    }

    /// Waits until `release` has run (the instance is about to be destroyed); false on timeout.
    func waitUntilReleased(deadlineNanoseconds: Int64) -> Bool {
        while !released.load(ordering: .acquiring) {
            guard monotonicNanoseconds() < deadlineNanoseconds else { return false }
            usleep(1_000)
        }
        return true
    }
}
