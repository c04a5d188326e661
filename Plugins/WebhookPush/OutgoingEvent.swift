import CTributary
import TributarySDK

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
