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

    /// Whether every attribute and extension is valid UTF-8 (the data is the encoder's business).
    var isValidUTF8: Bool {
        func valid(_ buffer: trib_type_host_buffer) -> Bool { UTF8Validation.isValid(buffer.rawBuffer) }
        guard valid(event.specversion), valid(event.id), valid(event.type), valid(event.source), valid(event.subject),
              valid(event.time), valid(event.datacontenttype) else { return false }
        for index in 0..<extensionCount {
            guard valid(event.extensions[index].name), valid(event.extensions[index].value) else { return false }
        }
        return true
    }

    func withExtension<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        let attribute = event.extensions[index]
        return body(attribute.name.rawBuffer, attribute.value.rawBuffer)
    }
}

extension CloudEventJSONEncoder {
    /// Appends the JSON form of an event the host lent to `output`, exactly as
    /// `encode(CloudEvent(event), into:)` would, without copying the event first.
    ///
    /// The host's own events are valid UTF-8 throughout (the normalizer refuses anything else);
    /// an event a plugin built itself may not be, and then goes through the model, whose strings
    /// repair invalid sequences, so the output is valid JSON either way.
    public static func encode(_ event: UnsafePointer<trib_type_event>, into output: inout [UInt8]) {
        let lent = LentEvent(event: event.pointee)
        guard lent.isValidUTF8 else { return encode(CloudEvent(event), into: &output) }
        encode(fields: lent, into: &output)
    }

    /// Returns the JSON form of an event the host lent in a new buffer.
    public static func encode(_ event: UnsafePointer<trib_type_event>) -> [UInt8] {
        var output: [UInt8] = []
        encode(event, into: &output)
        return output
    }
}
