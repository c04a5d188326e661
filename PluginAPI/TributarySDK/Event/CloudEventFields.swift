/// The attributes of a CloudEvent that have a fixed JSON member.
enum CloudEventField {
    case specversion, id, source, type, subject, time, dataContentType, data
}

/// Read access to an event's attributes as bytes, for the structured-mode encoder.
///
/// Why: the encoder serializes both the ``CloudEvent`` model and events the host lends
/// (`trib_type_event`) on the hot path of every pull consumer; reading either through this view
/// spares the copy of a lent event into Swift strings. `nil` means the attribute is absent.
protocol CloudEventFields {
    func withField<R>(_ field: CloudEventField, _ body: (UnsafeRawBufferPointer?) -> R) -> R
    var extensionCount: Int { get }
    /// Calls `body` with the name and value of extension `index`.
    func withExtension<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R
}

extension CloudEvent: CloudEventFields {
    func withField<R>(_ field: CloudEventField, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
        let text: String?
        switch field {
        case .specversion: text = specversion
        case .id: text = id
        case .source: text = source
        case .type: text = type
        case .subject: text = subject
        case .time: text = time
        case .dataContentType: text = dataContentType
        case .data: return data.withUnsafeBytes { body($0) }
        }
        guard let text else { return body(nil) }
        return JSON.withUTF8Bytes(text) { body($0) }
    }

    var extensionCount: Int { extensions.count }

    func withExtension<R>(_ index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        JSON.withUTF8Bytes(extensions[index].name) { name in
            JSON.withUTF8Bytes(extensions[index].value) { value in body(name, value) }
        }
    }
}
