import CTributary

/// An event the host lent (a sink batch or a subscription handler), read in place.
///
/// Reads it the way ``CloudEvent/init(_:)`` copies it: an empty subject, time or content type is
/// absent, an empty specversion is "1.0".
struct LentEvent: CloudEventFields {
    let event: trib_type_event

    func withField<R>(_ field: CloudEventField, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        switch field {
        case .specversion:
            guard event.specversion.len == 0 else { return body(event.specversion.rawBuffer) }
            let version: StaticString = "1.0"
            return body(UnsafeRawBufferPointer(start: version.utf8Start, count: version.utf8CodeUnitCount))
        case .id: return body(event.id.rawBuffer)
        case .source: return body(event.source.rawBuffer)
        case .type: return body(event.type.rawBuffer)
        case .subject: return body(event.subject.len == 0 ? nil : event.subject.rawBuffer)
        case .time: return body(event.time.len == 0 ? nil : event.time.rawBuffer)
        case .dataContentType: return body(event.datacontenttype.len == 0 ? nil : event.datacontenttype.rawBuffer)
        case .data: return body(event.data.rawBuffer)
        }
    }

    var extensionCount: Int { event.extensions == nil ? 0 : event.extension_count }

    func withExtension<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        let attribute = event.extensions[index]
        return body(attribute.name.rawBuffer, attribute.value.rawBuffer)
    }
}

extension CloudEventJSONEncoder {
    /// Appends the JSON form of an event the host lent to `output`, exactly as
    /// `encode(CloudEvent(event), into:)` would, without copying the event first.
    public static func encode(_ event: UnsafePointer<trib_type_event>, into output: inout [UInt8]) {
        encode(fields: LentEvent(event: event.pointee), into: &output)
    }

    /// Returns the JSON form of an event the host lent in a new buffer.
    public static func encode(_ event: UnsafePointer<trib_type_event>) -> [UInt8] {
        var output: [UInt8] = []
        encode(event, into: &output)
        return output
    }
}
