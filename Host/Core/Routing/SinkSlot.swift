import CTributary
import Dispatch
import Glibc
import Synchronization
import TributarySDK

/// The host's side of one sink instance: it hands events to the plugin, tracks every delivery
/// until the plugin completes it, retries, measures, and fails what is left when the sink drains.
final class SinkSlot: @unchecked Sendable {
    private struct Delivery {
        let operation: PublishOperation
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
    private let registry: MetricsRegistry
    private let pending = Mutex<[UInt64: Delivery]>([:])
    private let accepting = Atomic<Bool>(true)
    /// The instance that replaced this one in a reload: what this one cannot finish goes there.
    private let successor = Mutex<SinkSlot?>(nil)
    private static let nextOperation = Atomic<UInt64>(1)

    init(name: String, filter: SinkFilter, metrics: InstanceMetrics, registry: MetricsRegistry,
         instance: trib_type_instance_plugin_ptr, deliverHook: @escaping trib_on_sink_deliver_fn,
         serialDelivery: Bool, retry: RetryPolicy) {
        self.name = name
        self.filter = filter
        self.metrics = metrics
        self.registry = registry
        self.instance = instance
        self.deliverHook = deliverHook
        self.serialDelivery = serialDelivery
        self.retry = retry
    }

    /// Hands the operation's event to the plugin; its outcome reaches `operation` exactly once.
    func deliver(_ operation: PublishOperation, attempt: Int = 0) {
        guard accepting.load(ordering: .acquiring) else {
            handOver(operation, attempt: attempt)
            return
        }
        let id = SinkSlot.nextOperation.add(1, ordering: .relaxed).newValue
        pending.withLock { $0[id] = Delivery(operation: operation, attempt: attempt, startedNanoseconds: monotonicNanoseconds()) }
        metrics.inFlight.add()
        let returned: Status
        if serialDelivery {
            returned = deliveryLock.withLock { _ in Status(rawValue: deliverHook(instance, id, operation.record.singleBatch)) }
        } else {
            returned = Status(rawValue: deliverHook(instance, id, operation.record.singleBatch))
        }
        guard returned != .pending else { return }
        // OK is a synchronous delivery; BUSY and errors take nothing. If the plugin already
        // completed inside the hook, that completion stands and the return value is ignored.
        guard let delivery = pending.withLock({ $0.removeValue(forKey: id) }) else { return }
        metrics.inFlight.add(-1)
        if returned == .ok {
            metrics.latency.observe(nanoseconds: monotonicNanoseconds() - delivery.startedNanoseconds)
            metrics.deliveredOK.add()
            delivery.operation.sinkFinished(.ok)
        } else if returned == .busy {
            metrics.deliveredBusy.add()
            delivery.operation.sinkFinished(.busy)
        } else {
            metrics.deliveredError.add()
            delivery.operation.sinkFinished(returned.isFailure ? returned.normalized : .internalError)
        }
    }

    /// `trib_host_complete_delivery`.
    func complete(operation id: UInt64, status raw: Int32) {
        guard let delivery = pending.withLock({ $0.removeValue(forKey: id) }) else {
            registry.unknownCompletions.add()
            return
        }
        metrics.inFlight.add(-1)
        metrics.latency.observe(nanoseconds: monotonicNanoseconds() - delivery.startedNanoseconds)
        let status = Status(rawValue: raw).normalized
        switch status {
        case .ok:
            metrics.deliveredOK.add()
            delivery.operation.sinkFinished(.ok)
        case .retry:
            metrics.deliveredRetry.add()
            scheduleRetry(delivery)
        case .busy:
            metrics.deliveredBusy.add()
            delivery.operation.sinkFinished(.busy)
        case .cancelled:
            metrics.deliveredCancelled.add()
            handOver(delivery.operation, attempt: delivery.attempt)
        default:
            metrics.deliveredError.add()
            delivery.operation.sinkFinished(status.isFailure ? status : .internalError)
        }
    }

    /// Passes an event this instance will not deliver to its successor, or fails it when the
    /// sink is going away for good.
    private func handOver(_ operation: PublishOperation, attempt: Int) {
        if let next = successor.withLock({ $0 }) {
            next.deliver(operation, attempt: attempt)
        } else {
            operation.sinkFinished(.unavailable)
        }
    }

    /// From now on, what this instance gives back goes to `next` (a reload replaced it).
    func handOver(to next: SinkSlot) { successor.withLock { $0 = next } }

    private func scheduleRetry(_ delivery: Delivery) {
        guard delivery.attempt + 1 < retry.limit else {
            delivery.operation.sinkFinished(.unavailable)
            return
        }
        let delay = retry.delayMilliseconds(attempt: delivery.attempt)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { [self] in
            deliver(delivery.operation, attempt: delivery.attempt + 1)
        }
    }

    var pendingCount: Int { pending.withLock { $0.count } }

    /// Stops new deliveries, waits for the plugin to finish what it holds until the deadline, then
    /// hands the rest to the successor (or fails it) so that every device hears an outcome. Late
    /// completions are then unknown and counted.
    func drain(plugin drainHook: trib_on_instance_drain_fn?, deadlineUnixMilliseconds: Int64) {
        accepting.store(false, ordering: .releasing)
        drainHook?(instance, deadlineUnixMilliseconds)
        while pendingCount > 0 && wallClockMilliseconds() < deadlineUnixMilliseconds {
            usleep(2_000)
        }
        let abandoned = pending.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for delivery in abandoned {
            metrics.inFlight.add(-1)
            metrics.deliveredCancelled.add()
            handOver(delivery.operation, attempt: delivery.attempt)
        }
        if !abandoned.isEmpty {
            let fate = successor.withLock { $0 } == nil ? "failed them towards their devices" : "handed them to the new instance"
            Logger.warn(name, "drain deadline passed with \(abandoned.count) deliveries pending; \(fate)")
        }
    }
}

func monotonicNanoseconds() -> Int64 { SystemClock.monotonicNanoseconds() }

func wallClockMilliseconds() -> Int64 { SystemClock.wallClockMilliseconds() }
