import CTributary
import Synchronization
import TributarySDK

/// One published message on its way through every matching sink: it completes the adapter's
/// `done` exactly once, after the last sink has finished, with the first failure any sink
/// reported (so a device is acknowledged only when every sink took the event).
///
/// Pull consumers see the event only then, and only when every sink accepted it: an event the
/// device was told failed (and will likely send again) never reaches them.
final class PublishOperation: @unchecked Sendable {
    let record: EventRecord
    private let bus: ApplicationEventBus
    private let done: trib_type_publish_done_fn?
    private let context: UnsafeMutableRawPointer?
    private let adapter: InstanceMetrics
    private let gate: CallGate
    private let remaining: Atomic<Int>
    private let failure = Atomic<Int32>(0)

    init(record: EventRecord, sinks: Int, bus: ApplicationEventBus, adapter: InstanceMetrics, gate: CallGate,
         done: trib_type_publish_done_fn?, context: UnsafeMutableRawPointer?) {
        self.gate = gate
        self.record = record
        self.bus = bus
        self.done = done
        self.context = context
        self.adapter = adapter
        remaining = Atomic(sinks)
    }

    /// Records one sink's final outcome; the last one completes the operation.
    func sinkFinished(_ status: Status) {
        if status != .ok {
            _ = failure.compareExchange(expected: 0, desired: status.rawValue, ordering: .relaxed)
        }
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
            finish()
        }
    }

    /// Completes an operation that matched no sink.
    func finishUnrouted() { finish() }

    private func finish() {
        let outcome = Status(rawValue: failure.load(ordering: .relaxed))
        switch outcome {
        case .ok:
            adapter.eventsAccepted.add()
            bus.publish(record)
        case .busy: adapter.eventsBusy.add()
        default: adapter.eventsFailed.add()
        }
        guard let done else { return }
        gate.pass { done(context, outcome.rawValue) }
    }
}
