import CTributary
import Glibc

/// The events of one `on_sink_deliver` call and the `trib_type_batch` the plugin reads.
///
/// A single event travels in the batch its record already holds, so the common case allocates
/// nothing; a coalesced batch gets its own `trib_type_batch` and pointer array, which live as
/// long as this value (the plugin may read them until it completes the delivery, and retries
/// send the same batch again).
enum DeliveryBatch: @unchecked Sendable {
    case single(PublishOperation)
    case coalesced(CoalescedEvents)

    init(_ operations: [PublishOperation]) {
        self = operations.count == 1 ? .single(operations[0]) : .coalesced(CoalescedEvents(operations))
    }

    var batch: UnsafePointer<trib_type_batch> {
        switch self {
        case .single(let operation): operation.record.singleBatch
        case .coalesced(let events): events.batch
        }
    }

    var count: Int {
        switch self {
        case .single: 1
        case .coalesced(let events): events.operations.count
        }
    }

    func forEach(_ body: (PublishOperation) -> Void) {
        switch self {
        case .single(let operation): body(operation)
        case .coalesced(let events): events.operations.forEach(body)
        }
    }
}

/// Several events in one `trib_type_batch`, in publish order, in one allocation.
final class CoalescedEvents: @unchecked Sendable {
    let operations: [PublishOperation]
    let batch: UnsafePointer<trib_type_batch>
    private let storage: UnsafeMutableRawPointer

    init(_ operations: [PublishOperation]) {
        self.operations = operations
        let pointersOffset = MemoryLayout<trib_type_batch>.stride
        storage = malloc(pointersOffset + operations.count * MemoryLayout<UnsafePointer<trib_type_event>?>.stride)!
        let pointers = (storage + pointersOffset).bindMemory(to: UnsafePointer<trib_type_event>?.self, capacity: operations.count)
        for (index, operation) in operations.enumerated() {
            (pointers + index).initialize(to: operation.record.event)
        }
        let header = storage.bindMemory(to: trib_type_batch.self, capacity: 1)
        header.initialize(to: trib_type_batch(struct_size: UInt32(MemoryLayout<trib_type_batch>.size),
                                              events: UnsafePointer(pointers), count: operations.count))
        batch = UnsafePointer(header)
    }

    deinit { free(storage) }
}
