import CTributary
import Glibc
import TributarySDK

/// Turns an adapter's message into the one CloudEvent shape every sink sees (DESIGN section 2).
///
/// The host, not the adapter, does this, so third-party adapters cannot drift from the shape.
/// It runs on the adapter's thread for every message, so it works on bytes, allocates the event
/// once, and leaves Foundation out.
public struct EventNormalizer: Sendable {
    public var eventType = "io.drogue.event.v1"
    public var connectionEventType = "io.drogue.connection.v1"
    public var sourceScheme = "drogue"
    public var instance = "drogue"

    public init() {}

    public enum Failure: Error, Equatable {
        /// A required field is missing or is not UTF-8 (TRIB_ERR_INVALID).
        case invalid(String)
        /// The content type claims JSON and the payload is not JSON (TRIB_ERR_REJECTED).
        case notJSON
    }

    private struct Field {
        var offset = 0
        var length = 0
    }

    /// The fields of `trib_type_event` in order, as offsets into the text bytes.
    private enum Slot: Int, CaseIterable {
        case specversion, id, type, source, subject, time, datacontenttype, data
        case application, device, sender, partitionkey
    }

    public func normalize(_ message: UnsafePointer<trib_type_message>,
                          nowUnixNanoseconds: @autoclosure () -> Int64) throws(Failure) -> EventRecord {
        let m = message.pointee
        guard m.struct_size >= UInt32(MemoryLayout<trib_type_message>.offset(of: \.extension_count)! + MemoryLayout<Int>.size) else {
            throw .invalid("message struct_size \(m.struct_size) is too small")
        }
        let application = m.application.raw
        let device = m.device.raw
        let sender = m.sender.len == 0 ? device : m.sender.raw
        let channel = m.channel.raw
        let contentType = m.content_type.raw
        let payload = m.payload.raw
        let schema = m.data_schema.raw
        guard !application.isEmpty else { throw .invalid("application is empty") }
        guard !device.isEmpty else { throw .invalid("device is empty") }
        guard !channel.isEmpty else { throw .invalid("channel is empty") }
        for (name, text) in [("application", application), ("device", device), ("sender", sender),
                             ("channel", channel), ("content type", contentType), ("data schema", schema)]
        where !UTF8Validation.isValid(text) {
            throw .invalid("\(name) is not UTF-8")
        }
        let adapterExtensions = UnsafeBufferPointer(start: m.extensions, count: m.extensions == nil ? 0 : m.extension_count)
        for attribute in adapterExtensions where !UTF8Validation.isValid(attribute.name.raw) || !UTF8Validation.isValid(attribute.value.raw) {
            throw .invalid("an extension is not UTF-8")
        }

        var text: [UInt8] = []
        text.reserveCapacity(256 + payload.count + 3 * (device.count + sender.count + application.count))
        var fields = [Field](repeating: Field(), count: Slot.allCases.count)
        func mark(_ slot: Slot, _ write: (inout [UInt8]) -> Void) {
            let start = text.count
            write(&text)
            fields[slot.rawValue] = Field(offset: start, length: text.count - start)
        }

        mark(.specversion) { $0.append(contentsOf: "1.0".utf8) }
        mark(.id) { UUIDv4.appendRandom(to: &$0) }
        let isConnection = m.flags & UInt32(TRIB_MESSAGE_CONNECTION_EVENT) != 0
        mark(.type) { $0.append(contentsOf: (isConnection ? connectionEventType : eventType).utf8) }
        mark(.source) {
            $0.append(contentsOf: sourceScheme.utf8)
            $0.append(contentsOf: "://".utf8)
            $0.append(contentsOf: application)
            $0.append(0x2F)
            PercentEncoding.appendEncoded(device, to: &$0)
        }
        mark(.subject) { $0.append(contentsOf: channel) }
        let time = m.time_unix_ns != 0 ? m.time_unix_ns : nowUnixNanoseconds()
        mark(.time) { RFC3339.appendUTC(unixNanoseconds: time, to: &$0) }

        // Content-type rules: a JSON type must parse and becomes application/json with compact
        // data; no type means JSON if it parses, else octet-stream; anything else passes through.
        let dataStart = text.count
        var contentTypeText: [UInt8]
        if !contentType.isEmpty {
            if JSON.isJSONContentType(contentType) {
                guard JSON.compact(payload, into: &text) else { throw .notJSON }
                contentTypeText = Array("application/json".utf8)
            } else {
                text.append(contentsOf: payload)
                contentTypeText = Array(contentType)
            }
        } else if !payload.isEmpty && JSON.compact(payload, into: &text) {
            contentTypeText = Array("application/json".utf8)
        } else {
            text.append(contentsOf: payload)
            contentTypeText = Array("application/octet-stream".utf8)
        }
        fields[Slot.data.rawValue] = Field(offset: dataStart, length: text.count - dataStart)
        mark(.datacontenttype) { $0.append(contentsOf: contentTypeText) }
        mark(.application) { $0.append(contentsOf: application) }
        mark(.device) { $0.append(contentsOf: device) }
        mark(.sender) { $0.append(contentsOf: sender) }
        mark(.partitionkey) {
            PercentEncoding.appendEncoded(application, to: &$0)
            $0.append(0x2F)
            PercentEncoding.appendEncoded(sender, to: &$0)
        }

        // Extensions, in the header's order: name/value offset pairs.
        var extensions: [(Field, Field)] = []
        func appendText(_ bytes: some Sequence<UInt8>) -> Field {
            let start = text.count
            text.append(contentsOf: bytes)
            return Field(offset: start, length: text.count - start)
        }
        for (name, slot) in [("application", Slot.application), ("device", .device), ("sender", .sender), ("partitionkey", .partitionkey)] {
            extensions.append((appendText(name.utf8), fields[slot.rawValue]))
        }
        extensions.append((appendText("instance".utf8), appendText(instance.utf8)))
        if !schema.isEmpty {
            extensions.append((appendText("dataschema".utf8), appendText(schema)))
        }
        for attribute in adapterExtensions {
            extensions.append((appendText(attribute.name.raw), appendText(attribute.value.raw)))
        }

        return EventNormalizer.allocate(text: text, fields: fields, extensions: extensions,
                                        application: String(decoding: application, as: UTF8.self),
                                        channel: String(decoding: channel, as: UTF8.self))
    }

    private static func allocate(text: [UInt8], fields: [Field], extensions: [(Field, Field)],
                                 application: String, channel: String) -> EventRecord {
        let eventSize = MemoryLayout<trib_type_event>.stride
        let batchOffset = eventSize
        let pointerOffset = batchOffset + MemoryLayout<trib_type_batch>.stride
        let extensionsOffset = pointerOffset + MemoryLayout<UnsafeRawPointer>.stride
        let textOffset = extensionsOffset + extensions.count * MemoryLayout<trib_type_host_attribute>.stride
        let storage = malloc(textOffset + max(text.count, 1))!
        let textBase = (storage + textOffset).assumingMemoryBound(to: UInt8.self)
        text.withUnsafeBufferPointer { if let source = $0.baseAddress { memcpy(textBase, source, $0.count) } }

        func buffer(_ field: Field) -> trib_type_host_buffer {
            trib_type_host_buffer(ptr: field.length == 0 ? nil : UnsafePointer(textBase + field.offset), len: field.length)
        }
        let attributes = (storage + extensionsOffset).bindMemory(to: trib_type_host_attribute.self, capacity: extensions.count)
        for (index, (name, value)) in extensions.enumerated() {
            (attributes + index).initialize(to: trib_type_host_attribute(name: buffer(name), value: buffer(value)))
        }
        func field(_ slot: Slot) -> trib_type_host_buffer { buffer(fields[slot.rawValue]) }
        let event = storage.bindMemory(to: trib_type_event.self, capacity: 1)
        event.initialize(to: trib_type_event(
            struct_size: UInt32(MemoryLayout<trib_type_event>.size),
            specversion: field(.specversion), id: field(.id), type: field(.type), source: field(.source),
            subject: field(.subject), time: field(.time), datacontenttype: field(.datacontenttype),
            data: field(.data), application: field(.application), device: field(.device),
            sender: field(.sender), partitionkey: field(.partitionkey),
            extensions: UnsafePointer(attributes), extension_count: extensions.count))
        let slot = (storage + pointerOffset).bindMemory(to: UnsafePointer<trib_type_event>?.self, capacity: 1)
        slot.initialize(to: UnsafePointer(event))
        let batch = (storage + batchOffset).bindMemory(to: trib_type_batch.self, capacity: 1)
        batch.initialize(to: trib_type_batch(
            struct_size: UInt32(MemoryLayout<trib_type_batch>.size), events: UnsafePointer(slot), count: 1))
        return EventRecord(storage: storage, event: UnsafePointer(event), singleBatch: UnsafePointer(batch),
                           application: application, channel: channel)
    }
}

extension trib_type_plugin_buffer {
    /// The lent bytes, valid for the duration of the host callback that received them.
    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: ptr, count: ptr == nil ? 0 : len) }
}
