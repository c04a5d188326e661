import TributaryNet
import TributarySDK

/// Turns events into HTTP requests following the CloudEvents HTTP protocol binding 1.0.2.
///
/// - binary: one event; every attribute but `datacontenttype` as a `ce-<name>` header (values
///   percent-encoded as section 3.1.3.2 requires: space, `"`, `%` and everything outside
///   printable ASCII), `Content-Type` = `datacontenttype`, body = the data bytes unchanged.
///   An extension whose name is not an HTTP token cannot be a header and is left out (the
///   structured modes keep it).
/// - structured: one event as `application/cloudevents+json` (the SDK's JSON event format).
/// - batch: a JSON array of events as `application/cloudevents-batch+json`.
struct CloudEventHTTPBinding: Sendable {
    let mode: ContentMode
    let url: HTTPURL
    /// `Host`, `User-Agent`, authorization and the configured headers.
    let baseHeaders: HTTPHeaders

    init(mode: ContentMode, url: HTTPURL, headers: HTTPHeaders) {
        self.mode = mode
        self.url = url
        var base = HTTPHeaders()
        try? base.add(name: "Host", value: url.origin.hostHeader)
        try? base.add(name: "User-Agent", value: "tributary-webhook-push/1.0")
        for (name, value) in headers { try? base.add(name: name, value: value) }
        baseHeaders = base
    }

    static let structuredContentType = "application/cloudevents+json; charset=UTF-8"
    static let batchContentType = "application/cloudevents-batch+json; charset=UTF-8"

    /// The POST for `events` (exactly one unless the mode is batch).
    func request(for events: [CloudEvent]) -> HTTPClientRequest {
        var headers = baseHeaders
        var body: [UInt8]
        switch mode {
        case .binary:
            let event = events[0]
            addBinaryAttributes(of: event, to: &headers)
            body = event.data
        case .structured:
            try? headers.add(name: "Content-Type", value: Self.structuredContentType)
            body = CloudEventJSONEncoder.encode(events[0])
        case .batch:
            try? headers.add(name: "Content-Type", value: Self.batchContentType)
            body = [UInt8(ascii: "[")]
            for (index, event) in events.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                CloudEventJSONEncoder.encode(event, into: &body)
            }
            body.append(UInt8(ascii: "]"))
        }
        return HTTPClientRequest(method: "POST", target: url.target, headers: headers, body: body)
    }

    private func addBinaryAttributes(of event: CloudEvent, to headers: inout HTTPHeaders) {
        func attribute(_ name: String, _ value: String) {
            try? headers.add(name: "ce-" + name, value: Self.headerValue(value))
        }
        attribute("specversion", event.specversion)
        attribute("id", event.id)
        attribute("source", event.source)
        attribute("type", event.type)
        if let subject = event.subject { attribute("subject", subject) }
        if let time = event.time { attribute("time", time) }
        var seen: Set<String> = []
        for ext in event.extensions where !Self.coreAttributes.contains(ext.name) && seen.insert(ext.name).inserted {
            attribute(ext.name, ext.value)
        }
        if let contentType = event.dataContentType { try? headers.add(name: "Content-Type", value: contentType) }
    }

    /// Names an extension must not take: the binding writes these itself.
    static let coreAttributes: Set<String> = ["specversion", "id", "source", "type", "subject", "time", "datacontenttype",
                                               "data", "data_base64"]

    /// A header value as the binding's percent-encoding rule writes it; unchanged in the usual
    /// case where every byte is printable ASCII other than `"` and `%`.
    static func headerValue(_ value: String) -> String {
        func plain(_ byte: UInt8) -> Bool { byte >= 0x21 && byte <= 0x7E && byte != 0x22 && byte != 0x25 }
        guard !value.utf8.allSatisfy(plain) else { return value }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count * 3)
        for byte in value.utf8 {
            if plain(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
