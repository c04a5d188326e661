/// Byte-level JSON helpers for the per-message hot path.
///
/// Why: every device message that claims to be JSON is validated and re-emitted inline in a
/// CloudEvent, and every CloudEvent string attribute is quoted into the structured-mode JSON.
/// These routines do that directly on UTF-8 bytes, without Foundation, without building a tree,
/// and without allocating beyond growing the caller's output buffer.
///
/// Ownership: all inputs are borrowed for the duration of the call only; outputs are appended to
/// a caller-owned `[UInt8]`, so callers can reuse one buffer across many messages.
///
/// Limits: validation follows RFC 8259 strictly (see ``compact(_:into:)``); nesting is limited
/// to ``maxDepth`` levels and the scanner is iterative, so hostile input cannot overflow the
/// call stack.
public enum JSON {
    /// The deepest nesting of arrays/objects accepted by ``compact(_:into:)`` and
    /// ``isValid(_:)``. Input that opens container number 513 while 512 are open is rejected.
    public static var maxDepth: Int { 512 }

    // MARK: - Validation and compaction

    /// Strictly validates `input` as one RFC 8259 JSON text and appends its compact form to
    /// `output`.
    ///
    /// Validation: any top-level value; exact number grammar (no leading zeros, no `+`, no bare
    /// or trailing `.`, no `NaN`/`Infinity`); literals `true`/`false`/`null`; strings must be
    /// valid UTF-8 (overlong forms, surrogates and code points above U+10FFFF rejected), contain
    /// no raw control characters below 0x20, and use only valid escapes, where a `\u` escape of
    /// a high surrogate must be followed by a `\u` escaped low surrogate and a lone low surrogate
    /// is rejected. Only JSON whitespace (space, tab, LF, CR) may surround tokens; a leading
    /// UTF-8 BOM, empty input, or anything after the value is rejected. Nesting deeper than
    /// ``maxDepth`` is rejected without recursion.
    ///
    /// Compaction: only insignificant whitespace is removed. Key order, duplicate keys, string
    /// escapes and number spellings are preserved byte for byte, so already-compact input is
    /// appended unchanged.
    ///
    /// - Parameters:
    ///   - input: the candidate JSON bytes; borrowed for the call only.
    ///   - output: caller-owned buffer; the compact JSON is appended to it.
    /// - Returns: `true` on success. On `false`, `output` is truncated back to the count it had
    ///   on entry (its capacity may have grown).
    /// - Complexity: O(n), a single pass after one bulk copy; no heap allocation besides growing
    ///   `output`.
    public static func compact(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Bool {
        let n = input.count
        guard n > 0 else { return false }
        let original = output.count
        // Copy the input once, then compact in place: the write cursor never passes the read
        // cursor, so the scan can read and write the same buffer. Compact input costs only
        // this single memcpy.
        input.withMemoryRebound(to: UInt8.self) { output.append(contentsOf: $0) }
        let written = output.withUnsafeMutableBufferPointer { buffer -> Int in
            let start = buffer.baseAddress! + original
            return scan(UnsafePointer(start), n, start)
        }
        if written < 0 {
            output.removeLast(n)
            return false
        }
        if written < n { output.removeLast(n - written) }
        return true
    }

    /// Returns whether `input` is one strictly valid RFC 8259 JSON text, under exactly the rules
    /// of ``compact(_:into:)``, without producing output or allocating.
    ///
    /// - Parameter input: the candidate JSON bytes; borrowed for the call only.
    public static func isValid(_ input: UnsafeRawBufferPointer) -> Bool {
        guard let base = input.baseAddress, input.count > 0 else { return false }
        return scan(base.assumingMemoryBound(to: UInt8.self), input.count, nil) >= 0
    }

    // MARK: - Quoting

    /// Appends `text` to `output` as a JSON string literal, including the surrounding quotes.
    ///
    /// `"` and `\` are backslash-escaped; control characters use the short escapes `\n` `\r`
    /// `\t` `\b` `\f` or otherwise `\u00xx`. All other bytes, including bytes ≥ 0x80, are copied
    /// unchanged: `text` is assumed to be UTF-8 and is not validated here, so callers quoting
    /// untrusted bytes must validate them first if the output has to be valid UTF-8.
    ///
    /// - Parameters:
    ///   - text: the UTF-8 bytes to quote; borrowed for the call only.
    ///   - output: caller-owned buffer the literal is appended to.
    public static func appendQuoted(_ text: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        let length = quotedLength(text)
        if length == text.count &+ 2 {
            // Nothing to escape (the common case): copy the bytes between two quotes.
            output.append(0x22)
            text.withMemoryRebound(to: UInt8.self) { output.append(contentsOf: $0) }
            output.append(0x22)
        } else {
            appendUninitialized(length, to: &output) { writeQuoted(text, to: $0) }
        }
    }

    /// Appends `text` to `output` as a JSON string literal, including the surrounding quotes.
    ///
    /// Same escaping rules as the `UnsafeRawBufferPointer` overload. Swift strings
    /// are always valid UTF-8, so the result is always a valid JSON string. Native strings are
    /// read in place without copying.
    public static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        withUTF8Bytes(text) { appendQuoted($0, to: &output) }
    }

    // MARK: - Content types

    /// Returns whether a `Content-Type` / `datacontenttype` value denotes JSON.
    ///
    /// The media type is the part before the first `;` with surrounding spaces and tabs removed,
    /// compared ASCII case-insensitively. It is JSON when it starts with `application/json`
    /// (so `application/json-seq` counts, matching Drogue Cloud), starts with `text/json`, or
    /// ends with `+json` (for example `application/cloudevents+json`).
    ///
    /// - Parameter contentType: the header value bytes; borrowed for the call only.
    public static func isJSONContentType(_ contentType: UnsafeRawBufferPointer) -> Bool {
        guard let raw = contentType.baseAddress, contentType.count > 0 else { return false }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var end = 0
        while end < contentType.count && base[end] != 0x3B { end &+= 1 }
        var start = 0
        while start < end && (base[start] == 0x20 || base[start] == 0x09) { start &+= 1 }
        while end > start && (base[end - 1] == 0x20 || base[end - 1] == 0x09) { end &-= 1 }
        let length = end - start
        let mediaType = base + start
        return asciiLowercaseHasPrefix(mediaType, length, "application/json")
            || asciiLowercaseHasPrefix(mediaType, length, "text/json")
            || asciiLowercaseHasSuffix(mediaType, length, "+json")
    }

    /// Returns whether a `Content-Type` / `datacontenttype` string denotes JSON; see
    /// the `UnsafeRawBufferPointer` overload.
    public static func isJSONContentType(_ contentType: String) -> Bool {
        withUTF8Bytes(contentType) { isJSONContentType($0) }
    }

    // MARK: - Module-internal helpers

    /// Calls `body` with the UTF-8 bytes of `text`: in place for native strings (no copy, no
    /// allocation), via a temporary contiguous copy otherwise (for example bridged strings).
    @inline(__always)
    static func withUTF8Bytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var copy = text
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Grows `output` by `count` bytes and lets `body` initialize them through a pointer to the
    /// first new byte; `body` returns how many bytes it wrote (at most `count`) and the rest is
    /// trimmed. One capacity/uniqueness check instead of one per appended piece.
    @inline(__always)
    static func appendUninitialized(
        _ count: Int, to output: inout [UInt8], _ body: (UnsafeMutablePointer<UInt8>) -> Int
    ) {
        guard count > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        let written = output.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
        if written < count { output.removeLast(count - written) }
    }

    /// Compacts `input` into `dst`, which must have room for `input.count` bytes (the compact
    /// form is never longer). Same validation as ``compact(_:into:)``.
    /// - Returns: the compact length, or -1 when `input` is not valid JSON.
    public static func compact(_ input: UnsafeRawBufferPointer, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        let n = input.count
        guard n > 0, let raw = input.baseAddress else { return -1 }
        UnsafeMutableRawPointer(dst).copyMemory(from: raw, byteCount: n)
        return scan(UnsafePointer(dst), n, dst)
    }

    /// The exact number of bytes ``appendQuoted(_:to:)`` produces for `text`, quotes included.
    static func quotedLength(_ text: UnsafeRawBufferPointer) -> Int {
        let n = text.count
        guard n > 0, let raw = text.baseAddress else { return 2 }
        let src = raw.assumingMemoryBound(to: UInt8.self)
        if firstEscape(src, n) == n { return n &+ 2 }
        var length = n &+ 2
        for i in 0..<n {
            let c = src[i]
            if c < 0x20 {
                switch c {
                case 0x0A, 0x0D, 0x09, 0x08, 0x0C: length &+= 1
                default: length &+= 5
                }
            } else if c == 0x22 || c == 0x5C {
                length &+= 1
            }
        }
        return length
    }

    /// Writes the JSON string literal for `text` (see ``appendQuoted(_:to:)``) to `dst`, which
    /// must have room for ``quotedLength(_:)`` bytes.
    /// - Returns: the number of bytes written.
    static func writeQuoted(_ text: UnsafeRawBufferPointer, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        dst[0] = 0x22
        let n = text.count
        guard n > 0, let raw = text.baseAddress else {
            dst[1] = 0x22
            return 2
        }
        let src = raw.assumingMemoryBound(to: UInt8.self)
        let body = dst + 1
        // Copy the escape-free prefix in bulk (the whole string in the common case).
        let clean = firstEscape(src, n)
        copyBytes(from: src, to: body, count: clean)
        var o = clean
        var i = clean
        while i < n {
            let c = src[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C {
                body[o] = c
                o &+= 1
            } else {
                o &+= writeEscape(c, to: body + o)
            }
            i &+= 1
        }
        body[o] = 0x22
        return o &+ 2
    }

    /// Copies `count` bytes without a library call for the short lengths typical of
    /// attribute values (overlapping word moves), `memcpy` otherwise. Ranges must not overlap.
    @inline(__always)
    static func copyBytes(from src: UnsafePointer<UInt8>, to dst: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(src)
        let to = UnsafeMutableRawPointer(dst)
        if count >= 8 {
            if count <= 16 {
                let head = from.loadUnaligned(as: UInt64.self)
                let tail = from.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
                to.storeBytes(of: head, as: UInt64.self)
                to.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
            } else {
                to.copyMemory(from: from, byteCount: count)
            }
        } else if count >= 4 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        } else {
            for k in 0..<count { dst[k] = src[k] }
        }
    }

    /// The index of the first byte of `src[0..<n]` that must be escaped in a JSON string
    /// (< 0x20, `"` or `\`), or `n` if there is none. Word-at-a-time, no reads past `n`.
    @inline(__always)
    static func firstEscape(_ src: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var i = 0
        if n >= 8 {
            while i &+ 8 <= n {
                if needsQuoteEscape(UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self)) {
                    return firstEscapeBytewise(src, i, n)
                }
                i &+= 8
            }
            // Re-check the last eight bytes (overlapping) instead of a byte loop.
            if i < n && needsQuoteEscape(UnsafeRawPointer(src + (n &- 8)).loadUnaligned(as: UInt64.self)) {
                return firstEscapeBytewise(src, i, n)
            }
            return n
        }
        if n >= 4 {
            let head = UInt64(UnsafeRawPointer(src).loadUnaligned(as: UInt32.self))
            let tail = UInt64(UnsafeRawPointer(src + (n &- 4)).loadUnaligned(as: UInt32.self))
            return needsQuoteEscape(head | tail << 32) ? firstEscapeBytewise(src, 0, n) : n
        }
        return firstEscapeBytewise(src, 0, n)
    }

    private static func firstEscapeBytewise(_ src: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Int {
        var i = from
        while i < n {
            let c = src[i]
            if c < 0x20 || c == 0x22 || c == 0x5C { return i }
            i &+= 1
        }
        return n
    }

    /// Case-insensitive ASCII prefix test of `length` bytes at `bytes` against a lowercase
    /// literal.
    static func asciiLowercaseHasPrefix(
        _ bytes: UnsafePointer<UInt8>, _ length: Int, _ literal: StaticString
    ) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard length >= count else { return false }
        let lit = literal.utf8Start
        for k in 0..<count where asciiLower(bytes[k]) != lit[k] { return false }
        return true
    }

    /// Case-insensitive ASCII suffix test of `length` bytes at `bytes` against a lowercase
    /// literal.
    static func asciiLowercaseHasSuffix(
        _ bytes: UnsafePointer<UInt8>, _ length: Int, _ literal: StaticString
    ) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard length >= count else { return false }
        let lit = literal.utf8Start
        let tail = bytes + (length - count)
        for k in 0..<count where asciiLower(tail[k]) != lit[k] { return false }
        return true
    }

    @inline(__always)
    static func asciiLower(_ c: UInt8) -> UInt8 {
        (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
    }

    // MARK: - Private scanner

    private enum State {
        case value, key, afterValue
    }

    /// Marks (with its high bit) every byte of `word` that needs escaping in a JSON string:
    /// < 0x20, `"` or `\`. The usual SWAR borrow can add false marks, but only above a true
    /// one, so "any mark" and "lowest mark" are both exact.
    @inline(__always)
    private static func quoteEscapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let control = (word &- ones &* 0x20) & ~word
        let isQuote = (quote &- ones) & ~quote
        let isBackslash = (backslash &- ones) & ~backslash
        return (control | isQuote | isBackslash) & highs
    }

    /// True when `word` holds a byte that needs escaping in a JSON string.
    @inline(__always)
    private static func needsQuoteEscape(_ word: UInt64) -> Bool {
        quoteEscapeMask(word) != 0
    }

    /// Like ``quoteEscapeMask(_:)`` but also marks bytes ≥ 0x80 (those need UTF-8 validation
    /// inside the string scanner).
    @inline(__always)
    private static func stringAttentionMask(_ word: UInt64) -> UInt64 {
        quoteEscapeMask(word) | (word & 0x8080_8080_8080_8080)
    }

    /// Writes the escape sequence for `c` (a control character, `"` or `\`) and returns its
    /// length.
    private static func writeEscape(_ c: UInt8, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        dst[0] = 0x5C
        switch c {
        case 0x22: dst[1] = 0x22
        case 0x5C: dst[1] = 0x5C
        case 0x0A: dst[1] = 0x6E
        case 0x0D: dst[1] = 0x72
        case 0x09: dst[1] = 0x74
        case 0x08: dst[1] = 0x62
        case 0x0C: dst[1] = 0x66
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            dst[1] = 0x75
            dst[2] = 0x30
            dst[3] = 0x30
            dst[4] = digits[Int(c >> 4)]
            dst[5] = digits[Int(c & 0x0F)]
            return 6
        }
        return 2
    }

    @inline(__always)
    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool {
        c &- 0x30 < 10
    }

    /// Skips whitespace at `i`. When compacting (`out != nil`) the pending run of significant
    /// bytes `[runStart, i)` is first moved down to `out + o`.
    @inline(__always)
    private static func skipWhitespace(
        _ base: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int,
        _ out: UnsafeMutablePointer<UInt8>?, _ o: inout Int, _ runStart: inout Int
    ) {
        guard i < n, isWhitespace(base[i]) else { return }
        if let out {
            let length = i - runStart
            if length > 0 && o != runStart {
                UnsafeMutableRawPointer(out + o).copyMemory(from: base + runStart, byteCount: length)
            }
            o &+= length
        }
        i &+= 1
        while i < n && isWhitespace(base[i]) { i &+= 1 }
        runStart = i
    }

    /// Validates one JSON text of `n` bytes at `base`. When `out` is non-nil the compact form is
    /// written to `out` (which may equal `base`: writes never overtake reads).
    /// - Returns: bytes written (the compact length), or -1 when invalid.
    @inline(__always)
    private static func scan(
        _ base: UnsafePointer<UInt8>, _ n: Int, _ out: UnsafeMutablePointer<UInt8>?
    ) -> Int {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: 512) { stack -> Int in
            // stack[k] is true when the container at depth k is an object.
            let isObject = stack.baseAddress!
            var i = 0
            var o = 0
            var runStart = 0
            var depth = 0
            var state = State.value
            while true {
                switch state {
                case .value:
                    skipWhitespace(base, n, &i, out, &o, &runStart)
                    guard i < n else { return -1 }
                    let c = base[i]
                    switch c {
                    case 0x22:
                        i = scanString(base, n, i)
                        if i < 0 { return -1 }
                        state = .afterValue
                    case 0x7B, 0x5B:
                        guard depth < 512 else { return -1 }
                        i &+= 1
                        skipWhitespace(base, n, &i, out, &o, &runStart)
                        guard i < n else { return -1 }
                        if base[i] == c &+ 2 {  // '}' = '{' + 2, ']' = '[' + 2
                            i &+= 1
                            state = .afterValue
                        } else {
                            isObject[depth] = c == 0x7B
                            depth &+= 1
                            state = c == 0x7B ? .key : .value
                        }
                    case 0x2D, 0x30...0x39:
                        i = scanNumber(base, n, i)
                        if i < 0 { return -1 }
                        state = .afterValue
                    case 0x74:
                        guard matchLiteral(base, n, i, "true") else { return -1 }
                        i &+= 4
                        state = .afterValue
                    case 0x66:
                        guard matchLiteral(base, n, i, "false") else { return -1 }
                        i &+= 5
                        state = .afterValue
                    case 0x6E:
                        guard matchLiteral(base, n, i, "null") else { return -1 }
                        i &+= 4
                        state = .afterValue
                    default:
                        return -1
                    }
                case .key:
                    skipWhitespace(base, n, &i, out, &o, &runStart)
                    guard i < n, base[i] == 0x22 else { return -1 }
                    i = scanString(base, n, i)
                    if i < 0 { return -1 }
                    skipWhitespace(base, n, &i, out, &o, &runStart)
                    guard i < n, base[i] == 0x3A else { return -1 }
                    i &+= 1
                    state = .value
                case .afterValue:
                    skipWhitespace(base, n, &i, out, &o, &runStart)
                    if depth == 0 {
                        guard i == n else { return -1 }
                        if let out {
                            let length = i - runStart
                            if length > 0 && o != runStart {
                                UnsafeMutableRawPointer(out + o).copyMemory(
                                    from: base + runStart, byteCount: length)
                            }
                            o &+= length
                        }
                        return out == nil ? 0 : o
                    }
                    guard i < n else { return -1 }
                    let c = base[i]
                    let inObject = isObject[depth &- 1]
                    if c == 0x2C {
                        i &+= 1
                        state = inObject ? .key : .value
                    } else if c == (inObject ? 0x7D : 0x5D) {
                        i &+= 1
                        depth &-= 1
                    } else {
                        return -1
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func matchLiteral(
        _ base: UnsafePointer<UInt8>, _ n: Int, _ i: Int, _ literal: StaticString
    ) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard n - i >= count else { return false }
        let lit = literal.utf8Start
        for k in 1..<count where base[i + k] != lit[k] { return false }
        return true
    }

    /// Scans a number starting at `i`. Returns the index after it, or -1.
    private static func scanNumber(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var i = start
        if base[i] == 0x2D { i &+= 1 }
        guard i < n else { return -1 }
        if base[i] == 0x30 {
            i &+= 1
        } else if isDigit(base[i]) {
            i &+= 1
            while i < n && isDigit(base[i]) { i &+= 1 }
        } else {
            return -1
        }
        if i < n && base[i] == 0x2E {
            i &+= 1
            guard i < n && isDigit(base[i]) else { return -1 }
            i &+= 1
            while i < n && isDigit(base[i]) { i &+= 1 }
        }
        if i < n && (base[i] | 0x20) == 0x65 {
            i &+= 1
            if i < n && (base[i] == 0x2B || base[i] == 0x2D) { i &+= 1 }
            guard i < n && isDigit(base[i]) else { return -1 }
            i &+= 1
            while i < n && isDigit(base[i]) { i &+= 1 }
        }
        return i
    }

    /// Scans a string whose opening quote is at `start`. Returns the index after the closing
    /// quote, or -1.
    private static func scanString(_ base: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var i = start &+ 1
        while true {
            if i &+ 8 <= n {
                // Eight bytes at a time; jump straight to the first byte needing attention.
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let mask = stringAttentionMask(word)
                if mask == 0 {
                    i &+= 8
                    continue
                }
                i &+= mask.trailingZeroBitCount &>> 3
            } else if i >= n {
                return -1
            }
            let c = base[i]
            if c == 0x22 {
                return i &+ 1
            } else if c == 0x5C {
                guard i &+ 1 < n else { return -1 }
                switch base[i &+ 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    i &+= 2
                case 0x75:
                    let unit = hex4(base, n, i &+ 2)
                    if unit < 0 { return -1 }
                    i &+= 6
                    if unit >= 0xD800 && unit <= 0xDBFF {
                        guard i &+ 1 < n, base[i] == 0x5C, base[i &+ 1] == 0x75 else { return -1 }
                        let low = hex4(base, n, i &+ 2)
                        guard low >= 0xDC00 && low <= 0xDFFF else { return -1 }
                        i &+= 6
                    } else if unit >= 0xDC00 && unit <= 0xDFFF {
                        return -1
                    }
                default:
                    return -1
                }
            } else if c < 0x20 {
                return -1
            } else if c < 0x80 {
                i &+= 1
            } else {
                i = UTF8Validation.sequenceEnd(base, n, i)
                if i < 0 { return -1 }
            }
        }
    }

    /// Four hex digits at `i` as a value, or -1.
    @inline(__always)
    private static func hex4(_ base: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int {
        guard n - i >= 4 else { return -1 }
        var value = 0
        for k in 0..<4 {
            let c = base[i + k]
            let digit: Int
            if isDigit(c) {
                digit = Int(c &- 0x30)
            } else {
                let lower = c | 0x20
                guard lower >= 0x61 && lower <= 0x66 else { return -1 }
                digit = Int(lower &- 0x61 &+ 10)
            }
            value = value << 4 | digit
        }
        return value
    }

}
