import CTributary
import Glibc
import TributarySDK

/// Builds an ``EventRecord`` in place, in one allocation laid out as: the `trib_type_event`, a
/// one-event `trib_type_batch`, the batch's event pointer, the extension attributes, and the
/// text every buffer points into.
///
/// The normalizer sizes the text by an upper bound first, so fields are written once, where
/// they stay; ``complete(_:application:channel:)`` hands the memory to the record, or
/// ``discard()`` frees it.
struct EventRecordLayout {
    private static var batchOffset: Int { MemoryLayout<trib_type_event>.stride }
    private static var pointerOffset: Int { batchOffset + MemoryLayout<trib_type_batch>.stride }
    private let storage: UnsafeMutableRawPointer
    private let byteCount: Int
    let text: TextArea
    let attributes: AttributeArea

    init(extensionCount: Int, textCapacity: Int) {
        let attributesOffset = EventRecordLayout.pointerOffset + MemoryLayout<UnsafePointer<trib_type_event>?>.stride
        let textOffset = attributesOffset + extensionCount * MemoryLayout<trib_type_host_attribute>.stride
        byteCount = textOffset + max(textCapacity, 1)
        storage = malloc(byteCount)!
        attributes = AttributeArea(
            start: (storage + attributesOffset).bindMemory(to: trib_type_host_attribute.self, capacity: extensionCount),
            capacity: extensionCount)
        text = TextArea(base: (storage + textOffset).assumingMemoryBound(to: UInt8.self), capacity: textCapacity)
    }

    func discard() { free(storage) }

    /// Stores `event` (whose buffers point into ``text`` and ``attributes``) and its batch.
    func complete(_ event: trib_type_event, application: String, channel: String) -> EventRecord {
        let stored = storage.bindMemory(to: trib_type_event.self, capacity: 1)
        stored.initialize(to: event)
        let slot = (storage + EventRecordLayout.pointerOffset).bindMemory(to: UnsafePointer<trib_type_event>?.self, capacity: 1)
        slot.initialize(to: UnsafePointer(stored))
        let batch = (storage + EventRecordLayout.batchOffset).bindMemory(to: trib_type_batch.self, capacity: 1)
        batch.initialize(to: trib_type_batch(struct_size: UInt32(MemoryLayout<trib_type_batch>.size), events: UnsafePointer(slot), count: 1))
        return EventRecord(storage: storage, byteCount: byteCount, event: UnsafePointer(stored), singleBatch: UnsafePointer(batch),
                           application: application, channel: channel)
    }
}

/// The text part of an ``EventRecordLayout``: fields are appended and come back as the buffers
/// that point at them (empty fields as a NULL pointer with length 0).
struct TextArea {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0

    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Where the next field starts.
    var cursor: UnsafeMutablePointer<UInt8> { base + count }

    /// Lets `write` fill the next field through a pointer; it returns the bytes it wrote. The
    /// bound the layout was sized with is what keeps writes in range; the check after each field
    /// is a tripwire that stops the process before a wrong bound can go unnoticed.
    mutating func append(_ write: (UnsafeMutablePointer<UInt8>) -> Int) -> trib_type_host_buffer {
        let start = count
        count += write(base + start)
        precondition(count <= capacity, "event text exceeds its computed bound")
        return trib_type_host_buffer(ptr: count == start ? nil : UnsafePointer(base + start), len: count - start)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) -> trib_type_host_buffer {
        append { TextArea.copy(bytes, to: $0) }
    }

    mutating func append(_ text: String) -> trib_type_host_buffer {
        append { text.copyUTF8(to: $0) }
    }

    static func copy(_ bytes: UnsafeRawBufferPointer, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        guard let source = bytes.baseAddress else { return 0 }
        memcpy(dst, source, bytes.count)
        return bytes.count
    }
}

/// The extension attributes of an ``EventRecordLayout``, appended in order.
struct AttributeArea {
    let start: UnsafeMutablePointer<trib_type_host_attribute>
    private let capacity: Int
    private(set) var count = 0

    init(start: UnsafeMutablePointer<trib_type_host_attribute>, capacity: Int) {
        self.start = start
        self.capacity = capacity
    }

    mutating func append(_ name: trib_type_host_buffer, _ value: trib_type_host_buffer) {
        precondition(count < capacity, "more extensions than the layout was sized for")
        (start + count).initialize(to: trib_type_host_attribute(name: name, value: value))
        count += 1
    }
}
