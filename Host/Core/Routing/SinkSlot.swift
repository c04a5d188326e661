import CTributary
import Dispatch
import Glibc
import Synchronization
import TributarySDK

/// The host's side of one sink instance: it hands events to the plugin, tracks every delivery
/// until the plugin completes it, retries, measures, and fails what is left when the sink drains.
///
/// With a ``DeliveryWindow`` (the plugin set `max_in_flight`), events beyond the window wait here
/// and leave coalesced into batches; without one, every event is delivered at once, alone.
final class SinkSlot: @unchecked Sendable {
    private struct Delivery {
        let events: DeliveryBatch
        let attempt: Int
        let startedNanoseconds: Int64
    }

    let name: String
    let filter: SinkFilter
    let metrics: InstanceMetrics
    private let instance: trib_type_instance_plugin_ptr
    private let deliverHook: trib_on_sink_deliver_fn
    private let serialDelivery: Bool
    private let deliveryLock = Mutex(())
    private let retry: RetryPolicy
    /// What a sink's TRIB_RETRY gets: 5 attempts in all, from 50 ms, at most 2 s apart.
    static let retries = RetryPolicy(baseMilliseconds: 50, capMilliseconds: 2_000, limit: 4)
    private let registry: MetricsRegistry
    private let pending = Mutex<[UInt64: Delivery]>([:])
    private let window: Mutex<DeliveryWindow>
    /// False: no window; every event goes to the plugin at once, and `window` is never touched.
    private let windowed: Bool
    private let accepting = Atomic<Bool>(true)
    /// The instance's gate: a delivery that lost the race with destroy (the router chose this
    /// sink just before it was retired) is handed over instead of reaching a destroyed plugin.
    private let gate: CallGate
    /// The instance that replaced this one in a reload: what this one cannot finish goes there.
    private let successor = Mutex<SinkSlot?>(nil)
    private static let nextOperation = Atomic<UInt64>(1)

    /// `maxInFlight` 0 means no window (ABI 1.0 behaviour).
    init(name: String, filter: SinkFilter, metrics: InstanceMetrics, registry: MetricsRegistry,
         instance: trib_type_instance_plugin_ptr, deliverHook: @escaping trib_on_sink_deliver_fn,
         serialDelivery: Bool, maxBatch: Int = 1, maxInFlight: Int = 0, retry: RetryPolicy, gate: CallGate) {
        self.gate = gate
        self.name = name
        self.filter = filter
        self.metrics = metrics
        self.registry = registry
        self.instance = instance
        self.deliverHook = deliverHook
        self.serialDelivery = serialDelivery
        self.retry = retry
        windowed = maxInFlight > 0
        window = Mutex(DeliveryWindow(limit: maxInFlight, maxBatch: max(maxBatch, 1)))
    }

    /// Hands the operation's event to the plugin, now or once the window has room; its outcome
    /// reaches `operation` exactly once. `handedOver`: it comes from a draining predecessor.
    func deliver(_ operation: PublishOperation, attempt: Int = 0, handedOver: Bool = false) {
        if ReentryGuard.isInside(self) {
            DispatchQueue.global().async { [self] in deliver(operation, attempt: attempt, handedOver: handedOver) }
            return
        }
        guard accepting.load(ordering: .acquiring) else {
            handOver(operation, attempt: attempt)
            return
        }
        guard windowed else {
            send(.single(operation), attempt: attempt)
            return
        }
        switch window.withLock({ $0.admit(operation, attempt: attempt, force: handedOver) }) {
        case .send:
            send(.single(operation), attempt: attempt)
        case .queued:
            metrics.inFlight.add()
        case .full:
            metrics.deliveredBusy.add()
            operation.sinkFinished(.busy)
        case .closed:
            handOver(operation, attempt: attempt)
        }
    }

    /// Calls the plugin's hook; a synchronous outcome frees the slot, which may send the next
    /// waiting batch right here (never from inside a completion: see ``complete(operation:status:)``).
    private func send(_ first: DeliveryBatch, attempt firstAttempt: Int) {
        var next: (DeliveryBatch, Int)? = (first, firstAttempt)
        while let (events, attempt) = next {
            next = nil
            let id = SinkSlot.nextOperation.add(1, ordering: .relaxed).newValue
            pending.withLock { $0[id] = Delivery(events: events, attempt: attempt, startedNanoseconds: monotonicNanoseconds()) }
            metrics.inFlight.add(Int64(events.count))
            guard gate.enter() else {
                guard pending.withLock({ $0.removeValue(forKey: id) }) != nil else { return }
                metrics.inFlight.add(-Int64(events.count))
                events.forEach { handOver($0, attempt: attempt) }
                return
            }
            defer { gate.leave() }
            let returned = ReentryGuard.within(self) {
                if serialDelivery {
                    return deliveryLock.withLock { _ in Status(rawValue: deliverHook(instance, id, events.batch)) }
                }
                return Status(rawValue: deliverHook(instance, id, events.batch))
            }
            guard returned != .pending else { return }
            // OK is a synchronous delivery; BUSY and errors take nothing. If the plugin already
            // completed inside the hook, that completion stands and the return value is ignored.
            guard let delivery = pending.withLock({ $0.removeValue(forKey: id) }) else { return }
            metrics.inFlight.add(-Int64(events.count))
            if returned == .ok {
                metrics.latency.observe(nanoseconds: monotonicNanoseconds() - delivery.startedNanoseconds)
                metrics.deliveredOK.add()
                events.forEach { $0.sinkFinished(.ok) }
            } else if returned == .busy {
                metrics.deliveredBusy.add()
                events.forEach { $0.sinkFinished(.busy) }
            } else {
                metrics.deliveredError.add()
                events.forEach { $0.sinkFinished(returned.isFailure ? returned.normalized : .internalError) }
            }
            next = releaseSlot()
        }
    }

    /// Frees a delivery slot; returns the next waiting batch that took it over, if any.
    private func releaseSlot() -> (DeliveryBatch, Int)? {
        guard windowed, let (operations, attempt) = window.withLock({ $0.release() }) else { return nil }
        metrics.inFlight.add(-Int64(operations.count))
        return (DeliveryBatch(operations), attempt)
    }

    /// Frees a slot from a completion: the plugin may be inside `trib_host_complete_delivery`, or
    /// even inside its own deliver hook, where the host must not call the hook again.
    private func releaseSlotLater() {
        guard let (events, attempt) = releaseSlot() else { return }
        DispatchQueue.global().async { [self] in send(events, attempt: attempt) }
    }

    /// `trib_host_complete_delivery`.
    func complete(operation id: UInt64, status raw: Int32) {
        ReentryGuard.within(self) { finish(operation: id, status: raw) }
    }

    private func finish(operation id: UInt64, status raw: Int32) {
        guard let delivery = pending.withLock({ $0.removeValue(forKey: id) }) else {
            registry.unknownCompletions.add()
            return
        }
        metrics.inFlight.add(-Int64(delivery.events.count))
        metrics.latency.observe(nanoseconds: monotonicNanoseconds() - delivery.startedNanoseconds)
        let status = Status(rawValue: raw).normalized
        switch status {
        case .ok:
            metrics.deliveredOK.add()
            delivery.events.forEach { $0.sinkFinished(.ok) }
        case .retry:
            metrics.deliveredRetry.add()
            scheduleRetry(delivery)
            return
        case .busy:
            metrics.deliveredBusy.add()
            delivery.events.forEach { $0.sinkFinished(.busy) }
        case .cancelled:
            metrics.deliveredCancelled.add()
            delivery.events.forEach { handOver($0, attempt: delivery.attempt) }
        default:
            metrics.deliveredError.add()
            delivery.events.forEach { $0.sinkFinished(status.isFailure ? status : .internalError) }
        }
        releaseSlotLater()
    }

    /// Passes an event this instance will not deliver to its successor, or fails it when the
    /// sink is going away for good.
    private func handOver(_ operation: PublishOperation, attempt: Int) {
        if let next = successor.withLock({ $0 }) {
            next.deliver(operation, attempt: attempt, handedOver: true)
        } else {
            operation.sinkFinished(.unavailable)
        }
    }

    /// From now on, what this instance gives back goes to `next` (a reload replaced it).
    func handOver(to next: SinkSlot) { successor.withLock { $0 = next } }

    /// A retried batch keeps its delivery slot while it waits, so a failing sink does not take
    /// ever more events from the window.
    private func scheduleRetry(_ delivery: Delivery) {
        guard !retry.givesUp(afterFailures: delivery.attempt + 1) else {
            delivery.events.forEach { $0.sinkFinished(.unavailable) }
            releaseSlotLater()
            return
        }
        let delay = Int(retry.delayMilliseconds(afterFailures: delivery.attempt + 1))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { [self] in
            guard accepting.load(ordering: .acquiring) else {
                delivery.events.forEach { handOver($0, attempt: delivery.attempt + 1) }
                releaseSlotLater()
                return
            }
            send(delivery.events, attempt: delivery.attempt + 1)
        }
    }

    var pendingCount: Int { pending.withLock { $0.count } }

    /// Stops new deliveries, waits for the plugin to finish what it holds until the deadline, then
    /// hands the rest to the successor (or fails it) so that every device hears an outcome. Late
    /// completions are then unknown and counted.
    func drain(plugin drainHook: trib_on_instance_drain_fn?, deadlineUnixMilliseconds: Int64) {
        accepting.store(false, ordering: .releasing)
        if windowed {
            let waiting = window.withLock { $0.close() }
            metrics.inFlight.add(-Int64(waiting.count))
            for event in waiting { handOver(event.operation, attempt: event.attempt) }
        }
        drainHook?(instance, deadlineUnixMilliseconds)
        while pendingCount > 0 && wallClockMilliseconds() < deadlineUnixMilliseconds {
            usleep(2_000)
        }
        let abandoned = abandonPending()
        if abandoned > 0 {
            let fate = successor.withLock { $0 } == nil ? "failed them towards their devices" : "handed them to the new instance"
            Logger.warn(name, "drain deadline passed with \(abandoned) deliveries pending; \(fate)")
        }
    }

    /// Hands over (or fails) every delivery the plugin still holds; its late completions are then
    /// unknown. Also called once the instance's gate is closed, for a delivery that slipped in
    /// after the drain (the router had chosen this sink just before it stopped accepting).
    @discardableResult
    func abandonPending() -> Int {
        let abandoned = pending.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for delivery in abandoned {
            metrics.inFlight.add(-Int64(delivery.events.count))
            metrics.deliveredCancelled.add()
            delivery.events.forEach { handOver($0, attempt: delivery.attempt) }
        }
        return abandoned.count
    }
}

func monotonicNanoseconds() -> Int64 { SystemClock.monotonicNanoseconds() }

func wallClockMilliseconds() -> Int64 { SystemClock.wallClockMilliseconds() }
