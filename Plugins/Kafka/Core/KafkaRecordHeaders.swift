import CRdKafka
import CTributary
import TributarySDK

/// An event's headers in the CloudEvents Kafka protocol binding 1.0.2, as Drogue writes them.
///
/// - binary: `ce_specversion`, `ce_id`, `ce_source`, `ce_type`, `ce_subject`, `ce_time`, and
///   `ce_<name>` for every extension (application, device, sender, partitionkey, instance, ...);
///   `content-type` = `datacontenttype`. The value is the data, unchanged.
/// - structured: only `content-type: application/cloudevents+json; charset=UTF-8`; the value is
///   the event's JSON.
/// The key is the partition key (`{app}/{sender}`) in both: one device's events keep their order.
enum KafkaRecordHeaders {
    static let structuredContentType: StaticString = "application/cloudevents+json; charset=UTF-8"

    /// New headers for `event` (the caller owns them until a produce succeeds).
    static func make(_ event: UnsafePointer<trib_type_event>, mode: KafkaConfiguration.ContentMode) -> OpaquePointer {
        let e = event.pointee
        guard mode == .binary else {
            let headers = rd_kafka_headers_new(1)!
            add(headers, "content-type", structuredContentType)
            return headers
        }
        let extensions = UnsafeBufferPointer(start: e.extensions, count: e.extensions == nil ? 0 : e.extension_count)
        let headers = rd_kafka_headers_new(8 + extensions.count)!
        if e.specversion.len == 0 {
            add(headers, "ce_specversion", "1.0")
        } else {
            add(headers, "ce_specversion", e.specversion.rawBuffer)
        }
        add(headers, "ce_id", e.id.rawBuffer)
        add(headers, "ce_source", e.source.rawBuffer)
        add(headers, "ce_type", e.type.rawBuffer)
        if e.subject.len > 0 { add(headers, "ce_subject", e.subject.rawBuffer) }
        if e.time.len > 0 { add(headers, "ce_time", e.time.rawBuffer) }
        for attribute in extensions {
            let name = attribute.name.rawBuffer
            let value = attribute.value.rawBuffer
            // `ce_` + the name, NUL-terminated, on the stack: no allocation per header.
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: name.count + 4) { buffer in
                buffer[0] = 0x63; buffer[1] = 0x65; buffer[2] = 0x5F  // "ce_"
                for index in 0..<name.count { buffer[3 + index] = CChar(bitPattern: name[index]) }
                buffer[3 + name.count] = 0
                _ = rd_kafka_header_add(headers, buffer.baseAddress, name.count + 3, value.baseAddress, value.count)
            }
        }
        if e.datacontenttype.len > 0 { add(headers, "content-type", e.datacontenttype.rawBuffer) }
        return headers
    }

    private static func add(_ headers: OpaquePointer, _ name: StaticString, _ value: UnsafeRawBufferPointer) {
        name.withUTF8Buffer { n in
            _ = rd_kafka_header_add(headers, UnsafeRawPointer(n.baseAddress!).assumingMemoryBound(to: CChar.self), n.count,
                                    value.baseAddress, value.count)
        }
    }

    private static func add(_ headers: OpaquePointer, _ name: StaticString, _ value: StaticString) {
        value.withUTF8Buffer { add(headers, name, UnsafeRawBufferPointer($0)) }
    }
}
