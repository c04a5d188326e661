import CTributary
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

    /// The whole POST of one event in binary mode, written straight from the host's event.
    func encodeBinary(_ event: UnsafePointer<trib_type_event>) -> [UInt8] {
        let e = event.pointee
        var out = prefix
        out.reserveCapacity(prefix.count + 400 + e.data.len + e.source.len)
        let defaultVersion: StaticString = "1.0"
        appendAttribute("specversion", e.specversion.len == 0
                            ? UnsafeRawBufferPointer(start: defaultVersion.utf8Start, count: defaultVersion.utf8CodeUnitCount)
                            : e.specversion.rawBuffer, to: &out)
        appendAttribute("id", e.id.rawBuffer, to: &out)
        appendAttribute("source", e.source.rawBuffer, to: &out)
        appendAttribute("type", e.type.rawBuffer, to: &out)
        if e.subject.len > 0 { appendAttribute("subject", e.subject.rawBuffer, to: &out) }
        if e.time.len > 0 { appendAttribute("time", e.time.rawBuffer, to: &out) }
        let extensions = UnsafeBufferPointer(start: e.extensions, count: e.extensions == nil ? 0 : e.extension_count)
        for index in extensions.indices {
            let name = extensions[index].name.rawBuffer
            guard Self.isToken(name), !Self.coreAttributes.contains(where: { $0.elementsEqual(name) }),
                  !extensions[..<index].contains(where: { $0.name.rawBuffer.elementsEqual(name) }) else { continue }
            appendAttribute(name, extensions[index].value.rawBuffer, to: &out)
        }
        let contentType = e.datacontenttype.rawBuffer
        if !contentType.isEmpty && Self.isFieldValue(contentType) {
            out += "Content-Type: ".utf8
            out += contentType
            out += [0x0D, 0x0A]
        }
        appendFraming(body: e.data.rawBuffer, to: &out)
        return out
    }

    /// The whole POST of one event in structured mode; `json` is its CloudEvents JSON.
    func encodeStructured(json: [UInt8]) -> [UInt8] {
        var out = prefix
        out += "Content-Type: \(Self.structuredContentType)\r\n".utf8
        json.withUnsafeBytes { appendFraming(body: $0, to: &out) }
        return out
    }

    /// The whole POST of a batch: the events' JSON as one array.
    func encodeBatch(jsons: [[UInt8]]) -> [UInt8] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        body.reserveCapacity(jsons.reduce(2) { $0 + $1.count + 1 })
        for (index, json) in jsons.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += json
        }
        body.append(UInt8(ascii: "]"))
        var out = prefix
        out += "Content-Type: \(Self.batchContentType)\r\n".utf8
        body.withUnsafeBytes { appendFraming(body: $0, to: &out) }
        return out
    }

    private func appendFraming(body: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out += "Content-Length: \(body.count)\r\n\r\n".utf8
        out += body
    }

    /// `ce-<name>: <value>` with the value percent-encoded where the binding requires it.
    private func appendAttribute(_ name: StaticString, _ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        appendAttribute(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), value, to: &out)
    }

    private func appendAttribute(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out += "ce-".utf8
        out += name
        out += [UInt8(ascii: ":"), 0x20]
        Self.appendHeaderValue(value, to: &out)
        out += [0x0D, 0x0A]
    }

    /// Names an extension must not take: the binding writes these itself.
    static let coreAttributes: [[UInt8]] = ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data",
                                            "data_base64"].map { Array($0.utf8) }

    /// Appends a header value as the binding's percent-encoding rule writes it: every byte that
    /// is printable ASCII other than `"` and `%` as is, the others as `%XX`.
    static func appendHeaderValue(_ value: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if value.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x25 }) {
            out += value  // the usual case: nothing to encode, one copy
            return
        }
        let hex: StaticString = "0123456789ABCDEF"
        for byte in value {
            if byte >= 0x21 && byte <= 0x7E && byte != 0x22 && byte != 0x25 {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)]]
            }
        }
    }

    /// An RFC 9110 token: what a header name may be.
    static func isToken(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { byte in
            byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// A field value that can be sent as is: no NUL, CR or LF, no blank at either end.
    static func isFieldValue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != 0x20, first != 0x09, last != 0x20, last != 0x09 else { return false }
        return !bytes.contains { $0 == 0 || $0 == 0x0A || $0 == 0x0D }
    }
}
