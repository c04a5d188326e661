import CTributary
import Dispatch
import Glibc
import Synchronization

/// One pull consumer on the application-event bus: a bounded queue drained, in order, by a serial
/// dispatch queue that calls the plugin's handler, so a slow consumer delays only itself and what
/// overflows its queue is dropped and counted instead of piling up.
///
/// Events wait in `pending`, and one dispatch block drains everything that arrived before it ran:
/// a burst costs one hand-off between threads, not one per event.
final class Subscription: @unchecked Sendable {
    let id: UInt64
    let application: String
    let channel: String?
    let group: String?
    private let capacity: Int
    private let handler: trib_type_event_handler_fn
    private let context: UnsafeMutableRawPointer?
    private let release: trib_type_release_fn?
    private let metrics: InstanceMetrics
    private let queue: DispatchQueue
    /// Events offered and not yet handed to the handler (including a batch being drained).
    private let queued = Atomic<Int>(0)
    /// Events waiting for the drain, and whether a drain block is scheduled.
    private let pending = Mutex<(events: [EventRecord], scheduled: Bool)>(([], false))
    /// The batch being drained, swapped out of `pending`. Touched only on `queue`.
    private var draining: [EventRecord] = []
    private let removed = Atomic<Bool>(false)
    private let released = Atomic<Bool>(false)

    init(id: UInt64, application: String, channel: String?, group: String?, capacity: Int,
         handler: @escaping trib_type_event_handler_fn, context: UnsafeMutableRawPointer?,
         release: trib_type_release_fn?, metrics: InstanceMetrics) {
        self.id = id
        self.application = application
        self.channel = channel
        self.group = group
        self.capacity = capacity
        self.handler = handler
        self.context = context
        self.release = release
        self.metrics = metrics
        queue = DispatchQueue(label: "tributary.subscription.\(id)", target: .global())
    }

    func wants(_ record: EventRecord) -> Bool { channel == nil || channel == record.channel }

    var hasRoom: Bool { queued.load(ordering: .relaxed) < capacity }

    /// Queues the event, or drops and counts it when the queue is full.
    func offer(_ record: EventRecord) {
        guard queued.add(1, ordering: .relaxed).newValue <= capacity else {
            queued.subtract(1, ordering: .relaxed)
            metrics.busDropped.add(application)
            return
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
        for record in draining {
            queued.subtract(1, ordering: .relaxed)
            guard !removed.load(ordering: .acquiring) else { continue }
            if handler(context, record.event) == TRIB_OK {
                metrics.busDelivered.add(application)
            } else {
                metrics.busDropped.add(application)
            }
        }
        draining.removeAll(keepingCapacity: draining.capacity <= 4096)
        let more = pending.withLock { pending -> Bool in
            pending.scheduled = !pending.events.isEmpty
            return pending.scheduled
        }
        if more { queue.async { [self] in drain() } }
    }

    /// Stops delivery; `release` runs after any handler call in progress, on the same queue.
    func cancel() {
        removed.store(true, ordering: .releasing)
        queue.async { [self] in
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
