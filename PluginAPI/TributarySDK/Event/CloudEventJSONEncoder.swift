/// Serializes a ``CloudEvent`` in the CloudEvents JSON event format (structured mode,
/// `application/cloudevents+json`), as compact JSON.
///
/// Why: sinks that forward whole events (Kafka, files, HTTP) need one JSON object per event,
/// per message. The encoder sizes the event in O(1) per attribute, grows the caller's buffer
/// once and writes through a pointer: no Foundation, no intermediate tree, no per-member
/// array appends.
///
/// Member order: `specversion`, `id`, `source`, `type`, then `subject`, `time`,
/// `datacontenttype` when set, then each extension as `"name":"value"` in order, then the
/// payload:
/// - no payload member when ``CloudEvent/data`` is empty;
/// - `"data":<json>` when `datacontenttype` is a JSON type (``JSON/isJSONContentType(_:)``)
///   and the payload is valid JSON; the payload is embedded with its key order, escapes and
///   number spellings intact, only insignificant whitespace removed (``JSON/compact(_:into:)``);
/// - `"data":"<text>"` when `datacontenttype` starts with `text/` (ASCII case-insensitive,
///   leading blanks ignored) and the payload is valid UTF-8;
/// - `"data_base64":"<base64>"` otherwise, including invalid JSON labelled as JSON and a
///   missing `datacontenttype`.
///
/// Limits: the output is always one valid JSON object. To keep it free of duplicate keys, an
/// extension is skipped when its name equals a member the encoder writes itself
/// (`specversion`, `id`, `source`, `type`, `subject`, `time`, `datacontenttype`, `data`,
/// `data_base64`) or the name of an earlier extension. Attribute values are escaped, never
/// validated (for example `time` is not checked to be RFC 3339).
public enum CloudEventJSONEncoder {
    /// Appends the JSON form of `event` to `output`.
    ///
    /// - Parameters:
    ///   - event: the event to serialize; only read.
    ///   - output: caller-owned buffer; reuse it across events (`removeAll(keepingCapacity:)`)
    ///     to avoid reallocations.
    public static func encode(_ event: CloudEvent, into output: inout [UInt8]) {
        event.data.withUnsafeBytes { data in
            var mode = payloadMode(data, contentType: event.dataContentType)
            // Usually one pass: grow once by the size without escapes plus some slack, write
            // through a pointer, trim the unused rest. If escapes need more than the slack,
            // they are measured and the event is written again; if a JSON-labelled payload
            // is not valid JSON, the event is written again with a base64 payload. Each retry
            // removes its cause, so there are at most three passes.
            var unescaped = estimate(event, data, mode)
            var budget = slack
            while true {
                var result = 0
                JSON.appendUninitialized(unescaped + budget, to: &output) { dst in
                    result = write(event, data, mode, to: dst, escapeBudget: budget)
                    return max(result, 0)
                }
                if result >= 0 { return }
                if result == invalidJSONPayload {
                    mode = base64Payload
                    unescaped = estimate(event, data, mode)
                } else {
                    budget = escapeGrowth(event, data, mode)
                }
            }
        }
    }

    /// Returns the JSON form of `event` in a new buffer; see ``encode(_:into:)``.
    public static func encode(_ event: CloudEvent) -> [UInt8] {
        var output: [UInt8] = []
        encode(event, into: &output)
        return output
    }

    // MARK: - Internals

    // How the payload is carried (plain constants keep this file to one type).
    private static var noPayload: Int { 0 }
    private static var jsonPayload: Int { 1 }
    private static var textPayload: Int { 2 }
    private static var base64Payload: Int { 3 }

    // Failure results of `write`.
    private static var overflow: Int { -1 }
    private static var invalidJSONPayload: Int { -2 }

    /// Extra room in the optimistic bound, so that a few escapes do not force a second pass.
    private static var slack: Int { 128 }

    private static func payloadMode(_ data: UnsafeRawBufferPointer, contentType: String?) -> Int {
        if data.isEmpty { return noPayload }
        guard let contentType else { return base64Payload }
        return JSON.withUTF8Bytes(contentType) { type -> Int in
            if JSON.isJSONContentType(type) { return jsonPayload }
            if isTextContentType(type) && UTF8Validation.isValid(data) { return textPayload }
            return base64Payload
        }
    }

    /// Size of the event if no string needs escaping and no extension is skipped, with JSON
    /// payloads at their uncompacted size: O(1) per string.
    private static func estimate(_ event: CloudEvent, _ data: UnsafeRawBufferPointer, _ mode: Int) -> Int {
        var length = 1  // closing brace
        length += literalCount("{\"specversion\":") + event.specversion.utf8.count + 2
        length += literalCount(",\"id\":") + event.id.utf8.count + 2
        length += literalCount(",\"source\":") + event.source.utf8.count + 2
        length += literalCount(",\"type\":") + event.type.utf8.count + 2
        if let subject = event.subject {
            length += literalCount(",\"subject\":") + subject.utf8.count + 2
        }
        if let time = event.time {
            length += literalCount(",\"time\":") + time.utf8.count + 2
        }
        if let contentType = event.dataContentType {
            length += literalCount(",\"datacontenttype\":") + contentType.utf8.count + 2
        }
        for attribute in event.extensions {
            length += 6 + attribute.name.utf8.count + attribute.value.utf8.count
        }
        switch mode {
        case jsonPayload: length += literalCount(",\"data\":") + data.count
        case textPayload: length += literalCount(",\"data\":") + data.count + 2
        case base64Payload: length += literalCount(",\"data_base64\":\"") + Base64.encodedCount(data.count) + 1
        default: break
        }
        return length
    }

    /// The bytes escaping adds to ``estimate(_:_:_:)``, over every string that might be
    /// written (skipped extensions included, which only over-allocates).
    private static func escapeGrowth(_ event: CloudEvent, _ data: UnsafeRawBufferPointer, _ mode: Int) -> Int {
        var growth = 0
        @inline(__always) func add(_ text: String) {
            growth += JSON.withUTF8Bytes(text) { JSON.quotedLength($0) - $0.count - 2 }
        }
        add(event.specversion)
        add(event.id)
        add(event.source)
        add(event.type)
        if let subject = event.subject { add(subject) }
        if let time = event.time { add(time) }
        if let contentType = event.dataContentType { add(contentType) }
        for attribute in event.extensions {
            add(attribute.name)
            add(attribute.value)
        }
        if mode == textPayload { growth += JSON.quotedLength(data) - data.count - 2 }
        return growth
    }

    /// Writes the event to `dst`, which has room for ``estimate(_:_:_:)`` plus `escapeBudget`
    /// bytes. Returns the number of bytes written, ``overflow`` when escaping needs more than
    /// `escapeBudget`, or ``invalidJSONPayload``.
    private static func write(
        _ event: CloudEvent, _ data: UnsafeRawBufferPointer, _ mode: Int,
        to dst: UnsafeMutablePointer<UInt8>, escapeBudget: Int
    ) -> Int {
        // Everything except escapes is accounted for exactly by the estimate (literals,
        // base64) or pessimistically (skipped extensions, compacted JSON), so only the growth
        // from escaping is checked, against the budget.
        var budget = escapeBudget
        var o = 0
        o += writeLiteral("{\"specversion\":", dst + o)
        guard quoted(event.specversion, dst, &o, &budget) else { return overflow }
        o += writeLiteral(",\"id\":", dst + o)
        guard quoted(event.id, dst, &o, &budget) else { return overflow }
        o += writeLiteral(",\"source\":", dst + o)
        guard quoted(event.source, dst, &o, &budget) else { return overflow }
        o += writeLiteral(",\"type\":", dst + o)
        guard quoted(event.type, dst, &o, &budget) else { return overflow }
        if let subject = event.subject {
            o += writeLiteral(",\"subject\":", dst + o)
            guard quoted(subject, dst, &o, &budget) else { return overflow }
        }
        if let time = event.time {
            o += writeLiteral(",\"time\":", dst + o)
            guard quoted(time, dst, &o, &budget) else { return overflow }
        }
        if let contentType = event.dataContentType {
            o += writeLiteral(",\"datacontenttype\":", dst + o)
            guard quoted(contentType, dst, &o, &budget) else { return overflow }
        }
        let extensions = event.extensions
        for index in extensions.indices where !isSkipped(extensions, index) {
            dst[o] = 0x2C
            o += 1
            guard quoted(extensions[index].name, dst, &o, &budget) else { return overflow }
            dst[o] = 0x3A
            o += 1
            guard quoted(extensions[index].value, dst, &o, &budget) else { return overflow }
        }
        switch mode {
        case jsonPayload:
            o += writeLiteral(",\"data\":", dst + o)
            let written = JSON.compact(data, to: dst + o)
            if written < 0 { return invalidJSONPayload }
            o += written
        case textPayload:
            o += writeLiteral(",\"data\":", dst + o)
            guard quoted(data, dst, &o, &budget) else { return overflow }
        case base64Payload:
            o += writeLiteral(",\"data_base64\":\"", dst + o)
            o += Base64.write(data, to: dst + o)
            dst[o] = 0x22
            o += 1
        default:
            break
        }
        dst[o] = 0x7D
        return o + 1
    }

    /// Writes `text` as a JSON string at `dst + o` and advances `o`, unless its escapes would
    /// need more than `budget` extra bytes (then returns `false`). Escape growth is deducted
    /// from `budget`.
    @inline(__always)
    private static func quoted(
        _ text: UnsafeRawBufferPointer, _ dst: UnsafeMutablePointer<UInt8>,
        _ o: inout Int, _ budget: inout Int
    ) -> Bool {
        let n = text.count
        // The worst case is 6 bytes per input byte (`\u00XX`); only measure when the budget
        // might not cover it.
        if n &* 5 > budget && JSON.quotedLength(text) - (n + 2) > budget { return false }
        let written = JSON.writeQuoted(text, to: dst + o)
        budget -= written - (n + 2)
        o += written
        return true
    }

    @inline(__always)
    private static func quoted(
        _ text: String, _ dst: UnsafeMutablePointer<UInt8>, _ o: inout Int, _ budget: inout Int
    ) -> Bool {
        JSON.withUTF8Bytes(text) { quoted($0, dst, &o, &budget) }
    }

    /// Whether extension `index` is left out: its name is a member the encoder writes itself,
    /// or an earlier extension has the same name.
    private static func isSkipped(_ extensions: [CloudEventAttribute], _ index: Int) -> Bool {
        let name = extensions[index].name
        let count = name.utf8.count
        let reserved = JSON.withUTF8Bytes(name) { bytes -> Bool in
            switch count {
            case 2: return equals(bytes, "id")
            case 4: return equals(bytes, "type") || equals(bytes, "time") || equals(bytes, "data")
            case 6: return equals(bytes, "source")
            case 7: return equals(bytes, "subject")
            case 11: return equals(bytes, "specversion") || equals(bytes, "data_base64")
            case 15: return equals(bytes, "datacontenttype")
            default: return false
            }
        }
        if reserved { return true }
        for earlier in 0..<index {
            let other = extensions[earlier].name
            if other.utf8.count == count && other == name { return true }
        }
        return false
    }

    /// Whether the media type starts with `text/`, ignoring ASCII case and leading blanks.
    private static func isTextContentType(_ type: UnsafeRawBufferPointer) -> Bool {
        guard let raw = type.baseAddress else { return false }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var start = 0
        while start < type.count && (base[start] == 0x20 || base[start] == 0x09) { start += 1 }
        return JSON.asciiLowercaseHasPrefix(base + start, type.count - start, "text/")
    }

    @inline(__always)
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        guard let raw = bytes.baseAddress else { return true }
        return memcmpEqual(raw, UnsafeRawPointer(literal.utf8Start), bytes.count)
    }

    @inline(__always)
    private static func memcmpEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        for k in 0..<count where a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) {
            return false
        }
        return true
    }

    @inline(__always)
    private static func literalCount(_ literal: StaticString) -> Int {
        literal.utf8CodeUnitCount
    }

    @inline(__always)
    private static func writeLiteral(_ literal: StaticString, _ dst: UnsafeMutablePointer<UInt8>) -> Int {
        let count = literal.utf8CodeUnitCount
        UnsafeMutableRawPointer(dst).copyMemory(from: literal.utf8Start, byteCount: count)
        return count
    }
}
