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
/// Who may call a subscription's handler. `scheduled` is the one token: a drain block scheduled
/// or running, or a publisher's inline call, holds it. `paused`: the handler answered TRIB_BUSY
/// (with `pauseOnBusy`) and the token stays taken until the plugin resumes; `resumeRequested`:
/// the plugin resumed while the token holder had not yet paused.
private struct Delivery {
    var events: [EventRecord] = []
    var scheduled = false
    var paused = false
    var resumeRequested = false
}

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
    /// Events waiting for the drain, and who may call the handler: ``Delivery``.
    private let pending = Mutex(Delivery())
    /// The batch being drained, swapped out of `pending`. Touched only on `queue`.
    private var draining: [EventRecord] = []
    private let removed = Atomic<Bool>(false)
    private let released = Atomic<Bool>(false)
    private let isInline: Bool
    private let pauseOnBusy: Bool
    /// Handler calls in progress on publishers' threads, which `release` must wait out.
    private let inlineCalls = Atomic<Int>(0)

    /// `maxEvents` nil: bounded by bytes alone.
    init(id: UInt64, application: String, channel: String?, group: String?, maxEvents: Int?, maxBytes: Int, budget: BusBudget,
         inline: Bool = false, pauseOnBusy: Bool = false, handler: @escaping trib_type_event_handler_fn,
         context: UnsafeMutableRawPointer?, release: trib_type_release_fn?, metrics: InstanceMetrics) {
        isInline = inline
        self.pauseOnBusy = pauseOnBusy
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
            metrics.busDropped.add(application)
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
        for (index, record) in draining.enumerated() where !hand(record) {
            return pause(keeping: draining[index...])
        }
        draining.removeAll(keepingCapacity: draining.capacity <= 4096)
        passToken()
    }

    /// The handler is full: `kept` goes back to the front of the queue, in order, and the token
    /// stays taken until `resume` (new events queue behind, within the bounds).
    private func pause(keeping kept: ArraySlice<EventRecord>) {
        let resumedMeanwhile = pending.withLock { pending -> Bool in
            pending.events.insert(contentsOf: kept, at: 0)
            // The plugin may have made room (and resumed) between its TRIB_BUSY and this.
            if pending.resumeRequested {
                pending.resumeRequested = false
                return true
            }
            pending.paused = true
            return false
        }
        draining.removeAll(keepingCapacity: draining.capacity <= 4096)
        if resumedMeanwhile { queue.async { [self] in drain() } }
    }

    /// `trib_host_resume_subscription`: the handler has room again. The paused token passes to a
    /// drain block; a resume that comes before the pause it answers is remembered for it.
    func resume() {
        let wasPaused = pending.withLock { pending -> Bool in
            guard pending.paused else {
                pending.resumeRequested = pending.scheduled
                return false
            }
            pending.paused = false
            return true
        }
        if wasPaused { queue.async { [self] in drain() } }
    }

    /// The publisher holds the token: it calls the handler, then passes the token to a drain
    /// block if events arrived meanwhile.
    private func deliverInline(_ record: EventRecord) {
        // Counted before `removed` is read, so `cancel` either sees the call or the call sees it.
        inlineCalls.add(1, ordering: .sequentiallyConsistent)
        let taken = hand(record)
        inlineCalls.subtract(1, ordering: .sequentiallyConsistent)
        if taken { passToken() } else { pause(keeping: [record]) }
    }

    /// Calls the handler; false when it paused the subscription (the event stays queued).
    private func hand(_ record: EventRecord) -> Bool {
        if !removed.load(ordering: .sequentiallyConsistent) {
            let status = handler(context, record.event)
            if status == TRIB_BUSY && pauseOnBusy { return false }
            if status == TRIB_OK { metrics.busDelivered.add(application) } else { metrics.busDropped.add(application) }
        }
        queued.subtract(1, ordering: .relaxed)
        queuedBytes.subtract(record.byteCount, ordering: .relaxed)
        budget.release(record.byteCount)
        return true
    }

    /// Keeps the token for a new drain block when events are waiting, else gives it up.
    private func passToken() {
        let more = pending.withLock { pending -> Bool in
            pending.resumeRequested = false
            pending.scheduled = !pending.events.isEmpty
            return pending.scheduled
        }
        if more { queue.async { [self] in drain() } }
    }

    /// Stops delivery; `release` runs after any handler call in progress, on the same queue.
    /// What is still queued (a paused subscription's events too) gives its bytes back.
    func cancel() {
        removed.store(true, ordering: .sequentiallyConsistent)
        queue.async { [self] in
            while inlineCalls.load(ordering: .sequentiallyConsistent) > 0 { usleep(100) }
            let left = pending.withLock { pending -> [EventRecord] in
                defer { pending.events = [] }
                return pending.events
            }
            for record in left { _ = hand(record) }
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
