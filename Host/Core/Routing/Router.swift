import CTributary
import Synchronization
import TributarySDK

/// Routes every published message: normalizes it and hands it to every sink whose filter matches;
/// the publish operation offers it to the application-event bus once they all accepted it. Thread-safe and non-blocking: adapters call it
/// from their own loops, and the only lock is held to copy the current sink list.
public final class Router: @unchecked Sendable {
    private let sinks = Mutex<[SinkSlot]>([])
    private let bus: ApplicationEventBus
    private let registry: MetricsRegistry
    private let normalizer: EventNormalizer
    private let stopping = Atomic<Bool>(false)

    init(normalizer: EventNormalizer, bus: ApplicationEventBus, registry: MetricsRegistry) {
        self.normalizer = normalizer
        self.bus = bus
        self.registry = registry
    }

    func add(_ sink: SinkSlot) { sinks.withLock { $0.append(sink) } }

    func remove(_ sink: SinkSlot) { sinks.withLock { $0.removeAll { $0 === sink } } }

    /// Moves traffic from `old` to `new` in one step (a reload replaced a sink).
    func replace(_ old: SinkSlot, with new: SinkSlot) {
        sinks.withLock { sinks in
            if let index = sinks.firstIndex(where: { $0 === old }) {
                sinks[index] = new
            } else {
                sinks.append(new)
            }
        }
    }

    /// After this, publishing fails with TRIB_ERR_UNAVAILABLE (shutdown).
    func stopAccepting() { stopping.store(true, ordering: .releasing) }

    /// `trib_host_publish`.
    /// `gate`: the adapter's, which its `done` passes (the adapter may be gone by the time the
    /// last sink finishes).
    func publish(from adapter: InstanceMetrics, gate: CallGate, _ message: UnsafePointer<trib_type_message>,
                 done: trib_type_publish_done_fn?, context: UnsafeMutableRawPointer?) -> Status {
        guard !stopping.load(ordering: .acquiring) else { return .unavailable }
        adapter.eventsReceived.add()
        let record: EventRecord
        do {
            record = try normalizer.normalize(message, nowUnixNanoseconds: RFC3339.nowUnixNanoseconds())
        } catch {
            adapter.eventsRejected.add()
            return error == .notJSON ? .rejected : .invalid
        }
        let targets = sinks.withLock { $0 }.filter { $0.filter.matches(application: record.application, channel: record.channel) }
        let operation = PublishOperation(record: record, sinks: targets.count, bus: bus, adapter: adapter, gate: gate, done: done, context: context)
        if targets.isEmpty {
            registry.unroutedEvents.add()
            operation.finishUnrouted()
        }
        for sink in targets { sink.deliver(operation) }
        return .pending
    }
}
