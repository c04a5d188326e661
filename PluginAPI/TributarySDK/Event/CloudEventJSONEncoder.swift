import Glibc

/// Serializes a ``CloudEvent`` (or an event the host lent, see `encode(_:into:)` taking a
/// `trib_type_event`) in the CloudEvents JSON event format (structured mode,
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
        encode(fields: event, into: &output)
    }

    /// Returns the JSON form of `event` in a new buffer; see ``encode(_:into:)``.
    public static func encode(_ event: CloudEvent) -> [UInt8] {
        var output: [UInt8] = []
        encode(event, into: &output)
        return output
    }

    /// Serializes any ``CloudEventFields`` (the model, or an event the host lent) the same way.
    static func encode<Event: CloudEventFields>(fields event: Event, into output: inout [UInt8]) {
        event.withField(.data) { data in
            let data = data ?? UnsafeRawBufferPointer(start: nil, count: 0)
            var mode = event.withField(.dataContentType) { payloadMode(data, contentType: $0) }
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

    /// The attributes written before the extensions, in order, with their member prefixes.
    private static let members: [(CloudEventField, StaticString)] = [
        (.specversion, "{\"specversion\":"), (.id, ",\"id\":"), (.source, ",\"source\":"), (.type, ",\"type\":"),
        (.subject, ",\"subject\":"), (.time, ",\"time\":"), (.dataContentType, ",\"datacontenttype\":"),
    ]

    private static func payloadMode(_ data: UnsafeRawBufferPointer, contentType: UnsafeRawBufferPointer?) -> Int {
        if data.isEmpty { return noPayload }
        guard let type = contentType else { return base64Payload }
        if JSON.isJSONContentType(type) { return jsonPayload }
        if isTextContentType(type) && UTF8Validation.isValid(data) { return textPayload }
        return base64Payload
    }

    /// Size of the event if no string needs escaping and no extension is skipped, with JSON
    /// payloads at their uncompacted size: O(1) per string.
    private static func estimate<Event: CloudEventFields>(_ event: Event, _ data: UnsafeRawBufferPointer, _ mode: Int) -> Int {
        var length = 1  // closing brace
        for (field, prefix) in members {
            length += event.withField(field) { $0.map { literalCount(prefix) + $0.count + 2 } ?? 0 }
        }
        for index in 0..<event.extensionCount {
            length += event.withExtension(index) { 6 + $0.count + $1.count }
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
    private static func escapeGrowth<Event: CloudEventFields>(_ event: Event, _ data: UnsafeRawBufferPointer, _ mode: Int) -> Int {
        @inline(__always) func growth(_ text: UnsafeRawBufferPointer) -> Int { JSON.quotedLength(text) - text.count - 2 }
        var total = 0
        for (field, _) in members {
            total += event.withField(field) { $0.map(growth) ?? 0 }
        }
        for index in 0..<event.extensionCount {
            total += event.withExtension(index) { growth($0) + growth($1) }
        }
        if mode == textPayload { total += growth(data) }
        return total
    }

    /// Writes the event to `dst`, which has room for ``estimate(_:_:_:)`` plus `escapeBudget`
    /// bytes. Returns the number of bytes written, ``overflow`` when escaping needs more than
    /// `escapeBudget`, or ``invalidJSONPayload``.
    private static func write<Event: CloudEventFields>(
        _ event: Event, _ data: UnsafeRawBufferPointer, _ mode: Int,
        to dst: UnsafeMutablePointer<UInt8>, escapeBudget: Int
    ) -> Int {
        // Everything except escapes is accounted for exactly by the estimate (literals,
        // base64) or pessimistically (skipped extensions, compacted JSON), so only the growth
        // from escaping is checked, against the budget.
        var budget = escapeBudget
        var o = 0
        for (field, prefix) in members {
            let fits = event.withField(field) { value -> Bool in
                guard let value else { return true }
                o += writeLiteral(prefix, dst + o)
                return quoted(value, dst, &o, &budget)
            }
            guard fits else { return overflow }
        }
        for index in 0..<event.extensionCount where !isSkipped(event, index) {
            let fits = event.withExtension(index) { name, value -> Bool in
                dst[o] = 0x2C
                o += 1
                guard quoted(name, dst, &o, &budget) else { return false }
                dst[o] = 0x3A
                o += 1
                return quoted(value, dst, &o, &budget)
            }
            guard fits else { return overflow }
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

    /// Whether extension `index` is left out: its name is a member the encoder writes itself,
    /// or an earlier extension has the same name.
    private static func isSkipped<Event: CloudEventFields>(_ event: Event, _ index: Int) -> Bool {
        event.withExtension(index) { name, _ -> Bool in
            let reserved: Bool
            switch name.count {
            case 2: reserved = equals(name, "id")
            case 4: reserved = equals(name, "type") || equals(name, "time") || equals(name, "data")
            case 6: reserved = equals(name, "source")
            case 7: reserved = equals(name, "subject")
            case 11: reserved = equals(name, "specversion") || equals(name, "data_base64")
            case 15: reserved = equals(name, "datacontenttype")
            default: reserved = false
            }
            if reserved { return true }
            for earlier in 0..<index where event.withExtension(earlier, { other, _ in equals(other, name) }) {
                return true
            }
            return false
        }
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
        equals(bytes, UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    @inline(__always)
    private static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        return memcmp(pa, pb, a.count) == 0
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
