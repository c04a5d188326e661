import TributaryNet
import TributarySDK

/// Turns events into HTTP/1.1 requests following the CloudEvents HTTP protocol binding 1.0.2,
/// written in one pass into the bytes the client sends (one request per event is the hot path:
/// no header list, no per-field strings).
///
/// - binary: one event; every attribute but `datacontenttype` as a `ce-<name>` header (values
///   percent-encoded as section 3.1.3.2 requires: space, `"`, `%` and everything outside
///   printable ASCII), `Content-Type` = `datacontenttype`, body = the data bytes unchanged.
///   An extension whose name is not an HTTP token cannot be a header and is left out (the
///   structured modes keep it), as is one named like a core attribute.
/// - structured: one event as `application/cloudevents+json` (the SDK's JSON event format).
/// - batch: a JSON array of events as `application/cloudevents-batch+json`.
///
/// Every request starts with the same prefix, made once: `POST <target> HTTP/1.1`, `Host`,
/// `User-Agent`, authorization and the configured headers (validated by the configuration).
struct CloudEventHTTPBinding: Sendable {
    let mode: ContentMode
    let url: HTTPURL
    private let prefix: [UInt8]

    init(mode: ContentMode, url: HTTPURL, headers: HTTPHeaders) {
        self.mode = mode
        self.url = url
        var prefix = Array("POST \(url.target) HTTP/1.1\r\nHost: \(url.origin.hostHeader)\r\nUser-Agent: tributary-webhook-push/1.0\r\n".utf8)
        for (name, value) in headers { prefix += Array("\(name): \(value)\r\n".utf8) }
        self.prefix = prefix
    }

    static let structuredContentType = "application/cloudevents+json; charset=UTF-8"
    static let batchContentType = "application/cloudevents-batch+json; charset=UTF-8"

    /// The whole POST for `events` (exactly one unless the mode is batch).
    func encode(_ events: [CloudEvent]) -> [UInt8] {
        var out = prefix
        switch mode {
        case .binary:
            let event = events[0]
            out.reserveCapacity(prefix.count + 512 + event.data.count)
            appendBinaryAttributes(of: event, to: &out)
            appendFraming(body: event.data, to: &out)
        case .structured:
            appendField("Content-Type", Self.structuredContentType, to: &out)
            appendFraming(body: CloudEventJSONEncoder.encode(events[0]), to: &out)
        case .batch:
            appendField("Content-Type", Self.batchContentType, to: &out)
            var body: [UInt8] = [UInt8(ascii: "[")]
            for (index, event) in events.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                CloudEventJSONEncoder.encode(event, into: &body)
            }
            body.append(UInt8(ascii: "]"))
            appendFraming(body: body, to: &out)
        }
        return out
    }

    private func appendFraming(body: [UInt8], to out: inout [UInt8]) {
        appendField("Content-Length", String(body.count), to: &out)
        out += [0x0D, 0x0A]
        out += body
    }

    private func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out += name.utf8
        out += [UInt8(ascii: ":"), 0x20]
        out += value.utf8
        out += [0x0D, 0x0A]
    }

    private func appendBinaryAttributes(of event: CloudEvent, to out: inout [UInt8]) {
        appendAttribute("specversion", event.specversion, to: &out)
        appendAttribute("id", event.id, to: &out)
        appendAttribute("source", event.source, to: &out)
        appendAttribute("type", event.type, to: &out)
        if let subject = event.subject { appendAttribute("subject", subject, to: &out) }
        if let time = event.time { appendAttribute("time", time, to: &out) }
        let extensions = event.extensions
        for index in extensions.indices {
            let name = extensions[index].name
            guard !Self.coreAttributes.contains(name), HTTPHeaders.isValidName(name),
                  !extensions[..<index].contains(where: { $0.name == name }) else { continue }
            appendAttribute(name, extensions[index].value, to: &out)
        }
        if let contentType = event.dataContentType, HTTPHeaders.isValidValue(contentType) {
            appendField("Content-Type", contentType, to: &out)
        }
    }

    /// `ce-<name>: <value>` with the value percent-encoded where the binding requires it.
    private func appendAttribute(_ name: String, _ value: String, to out: inout [UInt8]) {
        out += [UInt8(ascii: "c"), UInt8(ascii: "e"), UInt8(ascii: "-")]
        out += name.utf8
        out += [UInt8(ascii: ":"), 0x20]
        Self.appendHeaderValue(value, to: &out)
        out += [0x0D, 0x0A]
    }

    /// Names an extension must not take: the binding writes these itself.
    static let coreAttributes: Set<String> = ["specversion", "id", "source", "type", "subject", "time", "datacontenttype",
                                               "data", "data_base64"]

    /// Appends a header value as the binding's percent-encoding rule writes it: every byte that
    /// is printable ASCII other than `"` and `%` as is, the others as `%XX`.
    static func appendHeaderValue(_ value: String, to out: inout [UInt8]) {
        let utf8 = value.utf8
        if utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x25 }) {
            out += utf8  // the usual case: nothing to encode, one copy
            return
        }
        let hex: StaticString = "0123456789ABCDEF"
        for byte in utf8 {
            if byte >= 0x21 && byte <= 0x7E && byte != 0x22 && byte != 0x25 {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)]]
            }
        }
    }
}
