import CTributary
import Glibc
import TributarySDK

/// Turns an adapter's message into the one CloudEvent shape every sink sees (README.md, "The event").
///
/// The host, not the adapter, does this, so third-party adapters cannot drift from the shape.
/// It runs on the adapter's thread for every message, so it works on bytes, writes the event
/// straight into its record's one allocation (``EventRecordLayout``), and leaves Foundation out.
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
        guard UTF8Validation.isValid(application) else { throw .invalid("application is not UTF-8") }
        guard UTF8Validation.isValid(device) else { throw .invalid("device is not UTF-8") }
        guard UTF8Validation.isValid(sender) else { throw .invalid("sender is not UTF-8") }
        guard UTF8Validation.isValid(channel) else { throw .invalid("channel is not UTF-8") }
        guard UTF8Validation.isValid(contentType) else { throw .invalid("content type is not UTF-8") }
        guard UTF8Validation.isValid(schema) else { throw .invalid("data schema is not UTF-8") }
        let adapterExtensions = UnsafeBufferPointer(start: m.extensions, count: m.extensions == nil ? 0 : m.extension_count)
        var adapterBytes = 0
        for attribute in adapterExtensions {
            guard UTF8Validation.isValid(attribute.name.raw), UTF8Validation.isValid(attribute.value.raw) else {
                throw .invalid("an extension is not UTF-8")
            }
            adapterBytes += attribute.name.raw.count + attribute.value.raw.count
        }
        let isConnection = m.flags & UInt32(TRIB_MESSAGE_CONNECTION_EVENT) != 0
        let type = isConnection ? connectionEventType : eventType
        let extensionCount = EventNormalizer.hostExtensions + (schema.isEmpty ? 0 : 1) + adapterExtensions.count

        // One allocation, sized by an upper bound of every field: percent-encoding at most
        // triples its input, compacting JSON only shrinks it.
        var bound = 3 + UUIDv4.textCount + type.utf8.count + RFC3339.formattedCount
        bound += sourceScheme.utf8.count + 4 + application.count + 3 * device.count
        bound += channel.count + payload.count + max(contentType.count, EventNormalizer.octetStream.utf8.count)
        bound += application.count + device.count + sender.count
        bound += 3 * application.count + 1 + 3 * sender.count
        bound += EventNormalizer.extensionNameBytes + instance.utf8.count + schema.count + adapterBytes
        let layout = EventRecordLayout(extensionCount: extensionCount, textCapacity: bound)
        var text = layout.text

        let specversion = text.append("1.0")
        let id = text.append { UUIDv4.writeRandom(to: $0); return UUIDv4.textCount }
        let typeField = text.append(type)
        let source = text.append { dst in
            var o = sourceScheme.copyUTF8(to: dst)
            o += "://".copyUTF8(to: dst + o)
            o += TextArea.copy(application, to: dst + o)
            dst[o] = 0x2F
            return o + 1 + PercentEncoding.write(device, to: dst + o + 1)
        }
        let subject = text.append(channel)
        let unixNanoseconds = m.time_unix_ns != 0 ? m.time_unix_ns : nowUnixNanoseconds()
        let time = text.append { RFC3339.writeUTC(unixNanoseconds: unixNanoseconds, to: $0); return RFC3339.formattedCount }

        // Content-type rules: a JSON type must parse and becomes application/json with compact
        // data; no type means JSON if it parses, else octet-stream; anything else passes through.
        let data: trib_type_host_buffer
        let dataContentType: trib_type_host_buffer
        if !contentType.isEmpty && !JSON.isJSONContentType(contentType) {
            data = text.append(payload)
            dataContentType = text.append(contentType)
        } else {
            let compacted = payload.isEmpty ? -1 : JSON.compact(payload, to: text.cursor)
            if compacted >= 0 {
                data = text.append { _ in compacted }
                dataContentType = text.append(EventNormalizer.json)
            } else if !contentType.isEmpty {
                layout.discard()
                throw .notJSON
            } else {
                data = text.append(payload)
                dataContentType = text.append(EventNormalizer.octetStream)
            }
        }
        let applicationField = text.append(application)
        let deviceField = text.append(device)
        let senderField = text.append(sender)
        let partitionkey = text.append { dst in
            let o = PercentEncoding.write(application, to: dst)
            dst[o] = 0x2F
            return o + 1 + PercentEncoding.write(sender, to: dst + o + 1)
        }

        // Extensions, in the header's order.
        var attributes = layout.attributes
        attributes.append(text.append("application"), applicationField)
        attributes.append(text.append("device"), deviceField)
        attributes.append(text.append("sender"), senderField)
        attributes.append(text.append("partitionkey"), partitionkey)
        attributes.append(text.append("instance"), text.append(instance))
        if !schema.isEmpty {
            attributes.append(text.append("dataschema"), text.append(schema))
        }
        for attribute in adapterExtensions {
            attributes.append(text.append(attribute.name.raw), text.append(attribute.value.raw))
        }

        return layout.complete(trib_type_event(
            struct_size: UInt32(MemoryLayout<trib_type_event>.size),
            specversion: specversion, id: id, type: typeField, source: source, subject: subject, time: time,
            datacontenttype: dataContentType, data: data, application: applicationField, device: deviceField,
            sender: senderField, partitionkey: partitionkey, extensions: attributes.start, extension_count: attributes.count),
            application: String(decoding: application, as: UTF8.self), channel: String(decoding: channel, as: UTF8.self))
    }

    /// application, device, sender, partitionkey, instance.
    private static var hostExtensions: Int { 5 }
    /// The names of every extension the host writes, dataschema included.
    private static var extensionNameBytes: Int { 11 + 6 + 6 + 12 + 8 + 10 }
    private static let json = "application/json"
    private static let octetStream = "application/octet-stream"
}

extension trib_type_plugin_buffer {
    /// The lent bytes, valid for the duration of the host callback that received them.
    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: ptr, count: ptr == nil ? 0 : len) }
}
