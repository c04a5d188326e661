import CTributary

extension CloudEvent {
    /// Copies an event the host lent (a sink batch or a subscription handler) into the model.
    public init(_ event: UnsafePointer<trib_type_event>) {
        let e = event.pointee
        let extensions = UnsafeBufferPointer(start: e.extensions, count: e.extensions == nil ? 0 : e.extension_count)
        self.init(
            id: e.id.string, type: e.type.string, source: e.source.string,
            subject: e.subject.len == 0 ? nil : e.subject.string,
            time: e.time.len == 0 ? nil : e.time.string,
            dataContentType: e.datacontenttype.len == 0 ? nil : e.datacontenttype.string,
            extensions: extensions.map { CloudEventAttribute(name: $0.name.string, value: $0.value.string) },
            data: e.data.bytes)
        specversion = e.specversion.len == 0 ? "1.0" : e.specversion.string
    }
}
