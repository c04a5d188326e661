/// Standard Base64 (RFC 4648 section 4: alphabet `A–Z a–z 0–9 + /`, `=` padding).
///
/// Why: CloudEvents structured mode carries binary payloads as `data_base64`, and the encoder
/// runs per message, so encoding appends straight into the caller's buffer with no
/// intermediate `String` or `Data`.
///
/// Limits: no line wrapping on encode; decoding is strict (see ``decode(_:)``).
public enum Base64 {
    /// Appends the padded Base64 encoding of `input` to `output`.
    ///
    /// - Parameters:
    ///   - input: the bytes to encode; borrowed for the call only. Empty input appends nothing.
    ///   - output: caller-owned buffer; grows by exactly `4 * ceil(input.count / 3)` bytes.
    public static func encode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let count = encodedCount(input.count)
        JSON.appendUninitialized(count, to: &output) { write(input, to: $0) }
    }

    /// Length of the padded encoding of `byteCount` bytes.
    @inline(__always)
    static func encodedCount(_ byteCount: Int) -> Int {
        (byteCount + 2) / 3 * 4
    }

    /// Writes the padded encoding of `input` to `dst`, which must have room for
    /// ``encodedCount(_:)`` bytes. Returns the number of bytes written.
    static func write(_ input: UnsafeRawBufferPointer, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        let n = input.count
        guard n > 0, let raw = input.baseAddress else { return 0 }
        let src = raw.assumingMemoryBound(to: UInt8.self)
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        let table = alphabet.utf8Start
        var o = dst
        var i = 0
        while i &+ 3 <= n {
            let v = UInt32(src[i]) << 16 | UInt32(src[i &+ 1]) << 8 | UInt32(src[i &+ 2])
            o[0] = table[Int(v >> 18)]
            o[1] = table[Int(v >> 12 & 0x3F)]
            o[2] = table[Int(v >> 6 & 0x3F)]
            o[3] = table[Int(v & 0x3F)]
            o += 4
            i &+= 3
        }
        switch n &- i {
        case 1:
            let v = UInt32(src[i]) << 16
            o[0] = table[Int(v >> 18)]
            o[1] = table[Int(v >> 12 & 0x3F)]
            o[2] = 0x3D
            o[3] = 0x3D
            o += 4
        case 2:
            let v = UInt32(src[i]) << 16 | UInt32(src[i &+ 1]) << 8
            o[0] = table[Int(v >> 18)]
            o[1] = table[Int(v >> 12 & 0x3F)]
            o[2] = table[Int(v >> 6 & 0x3F)]
            o[3] = 0x3D
            o += 4
        default:
            break
        }
        return o - dst
    }

    /// Decodes padded standard Base64.
    ///
    /// Strict: the length must be a multiple of 4; only the standard alphabet is accepted;
    /// `=` may appear only as one or two trailing padding characters; whitespace, line breaks
    /// and the URL-safe alphabet (`-`, `_`) are rejected rather than ignored; and the unused
    /// bits before padding must be zero, so every byte string has exactly one accepted
    /// encoding.
    ///
    /// - Parameter text: the Base64 text.
    /// - Returns: the decoded bytes (empty for `""`), or `nil` if `text` is not valid.
    public static func decode(_ text: String) -> [UInt8]? {
        JSON.withUTF8Bytes(text) { decode($0) }
    }

    /// Byte-level core of ``decode(_:)``.
    static func decode(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = text.count
        guard n % 4 == 0 else { return nil }
        guard n > 0, let raw = text.baseAddress else { return [] }
        let src = raw.assumingMemoryBound(to: UInt8.self)
        let padding = src[n &- 1] != 0x3D ? 0 : (src[n &- 2] != 0x3D ? 1 : 2)
        let decodedCount = n / 4 * 3 - padding
        var valid = true
        let bytes = [UInt8](unsafeUninitializedCapacity: decodedCount) { buffer, initialized in
            let dst = buffer.baseAddress!
            var o = 0
            var i = 0
            // All quads but the last carry no padding.
            while i &+ 4 < n {
                let a = sextet(src[i]), b = sextet(src[i &+ 1])
                let c = sextet(src[i &+ 2]), d = sextet(src[i &+ 3])
                guard (a | b | c | d) < 64 else {
                    valid = false
                    initialized = 0
                    return
                }
                let v = a << 18 | b << 12 | c << 6 | d
                dst[o] = UInt8(truncatingIfNeeded: v >> 16)
                dst[o &+ 1] = UInt8(truncatingIfNeeded: v >> 8)
                dst[o &+ 2] = UInt8(truncatingIfNeeded: v)
                o &+= 3
                i &+= 4
            }
            let a = sextet(src[i]), b = sextet(src[i &+ 1])
            let c = padding == 2 ? 0 : sextet(src[i &+ 2])
            let d = padding >= 1 ? 0 : sextet(src[i &+ 3])
            let v = a << 18 | b << 12 | c << 6 | d
            // Non-canonical trailing bits: the bits dropped by padding must be zero.
            let droppedBits: UInt32 = padding == 2 ? 0xFFFF : (padding == 1 ? 0xFF : 0)
            guard (a | b | c | d) < 64, v & droppedBits == 0 else {
                valid = false
                initialized = 0
                return
            }
            dst[o] = UInt8(truncatingIfNeeded: v >> 16)
            if padding < 2 { dst[o &+ 1] = UInt8(truncatingIfNeeded: v >> 8) }
            if padding < 1 { dst[o &+ 2] = UInt8(truncatingIfNeeded: v) }
            initialized = decodedCount
        }
        return valid ? bytes : nil
    }

    /// Decodes RFC 4648 section 5 base64url without padding, as JOSE writes it (RFC 7515
    /// section 2): `-` and `_` instead of `+` and `/`, no `=`. As strict as ``decode(_:)``: the
    /// unused trailing bits must be zero, so a signature has exactly one accepted spelling.
    ///
    /// - Returns: the bytes, or `nil` for any character outside the alphabet (`+`, `/` and `=`
    ///   included) or an impossible length.
    public static func decodeURL(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count % 4 != 1 else { return nil }
        let padded = (text.count + 3) & ~3
        // Rewritten to the standard alphabet in place of a copy; not generic, so no caller
        // runs an unspecialized loop (a generic here was a third of a token check).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(padded, 1)) { standard in
            for index in 0..<text.count {
                switch text[index] {
                case 0x2D: standard[index] = 0x2B
                case 0x5F: standard[index] = 0x2F
                case 0x2B, 0x2F, 0x3D: return nil
                case let byte: standard[index] = byte
                }
            }
            for index in text.count..<padded { standard[index] = 0x3D }
            return decode(UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(standard)[0..<padded]))
        }
    }

    public static func decodeURL(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        text.withUnsafeBytes { decodeURL($0) }
    }

    public static func decodeURL(_ text: [UInt8]) -> [UInt8]? {
        text.withUnsafeBytes { decodeURL($0) }
    }

    /// The 6-bit value of a standard-alphabet character, or 0xFF (≥ 64) when invalid
    /// (including `=`).
    @inline(__always)
    private static func sextet(_ c: UInt8) -> UInt32 {
        switch c {
        case 0x41...0x5A: return UInt32(c &- 0x41)
        case 0x61...0x7A: return UInt32(c &- 0x61 &+ 26)
        case 0x30...0x39: return UInt32(c &- 0x30 &+ 52)
        case 0x2B: return 62
        case 0x2F: return 63
        default: return 0xFF
        }
    }
}
