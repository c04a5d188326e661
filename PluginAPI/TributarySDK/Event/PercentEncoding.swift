/// Percent-encoding of every byte outside ASCII `A–Z a–z 0–9`.
///
/// Why: Drogue Cloud percent-encodes application and device names where they become part of
/// event attributes (such as `source`), using Rust's `percent-encoding` crate with its
/// `NON_ALPHANUMERIC` set. Producing the identical spelling (`device-1` → `device%2D1`,
/// `ä` → `%C3%A4`) keeps tributary's events byte-compatible for Drogue consumers.
///
/// Limits: encoding only (no decoding); hex digits are uppercase; the input is treated as raw
/// bytes, so any byte sequence (valid UTF-8 or not) encodes to pure ASCII.
public enum PercentEncoding {
    /// Appends the percent-encoded form of `input` to `output`: alphanumeric ASCII bytes are
    /// copied, every other byte becomes `%XX` with uppercase hex.
    ///
    /// - Parameters:
    ///   - input: the bytes to encode; borrowed for the call only.
    ///   - output: caller-owned buffer; grows by between `input.count` and `3 * input.count`.
    public static func appendEncoded(_ input: UnsafeRawBufferPointer, to output: inout [UInt8]) {
        guard let raw = input.baseAddress, input.count > 0 else { return }
        let src = raw.assumingMemoryBound(to: UInt8.self)
        let n = input.count
        var escaped = 0
        for i in 0..<n where !isAlphanumeric(src[i]) { escaped &+= 1 }
        if escaped == 0 {
            output.append(contentsOf: UnsafeBufferPointer(start: src, count: n))
            return
        }
        JSON.appendUninitialized(n &+ 2 &* escaped, to: &output) { write(src, n, to: $0) }
    }

    /// Writes the form ``appendEncoded(_:to:)`` appends to `dst`, which has room for
    /// `3 * input.count` bytes. Returns the number of bytes written.
    public static func write(_ input: UnsafeRawBufferPointer, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        guard let raw = input.baseAddress, input.count > 0 else { return 0 }
        return write(raw.assumingMemoryBound(to: UInt8.self), input.count, to: dst)
    }

    /// Returns the percent-encoded form of the UTF-8 bytes of `s` (see
    /// ``appendEncoded(_:to:)``). Strings that are already purely alphanumeric are returned
    /// as-is without allocating.
    public static func encode(_ s: String) -> String {
        let encoded = JSON.withUTF8Bytes(s) { utf8 -> String? in
            var escaped = 0
            for c in utf8 where !isAlphanumeric(c) { escaped &+= 1 }
            guard escaped > 0, let src = utf8.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                return nil
            }
            let count = utf8.count &+ 2 &* escaped
            return String(unsafeUninitializedCapacity: count) { dst in
                write(src, utf8.count, to: dst.baseAddress!)
            }
        }
        return encoded ?? s
    }

    /// Writes the encoding of `n` bytes at `src` to `dst` (sized by the caller); returns the
    /// number of bytes written.
    private static func write(_ src: UnsafePointer<UInt8>, _ n: Int, to dst: UnsafeMutablePointer<UInt8>) -> Int {
        let hex: StaticString = "0123456789ABCDEF"
        let digits = hex.utf8Start
        var o = 0
        for i in 0..<n {
            let c = src[i]
            if isAlphanumeric(c) {
                dst[o] = c
                o &+= 1
            } else {
                dst[o] = 0x25
                dst[o &+ 1] = digits[Int(c >> 4)]
                dst[o &+ 2] = digits[Int(c & 0x0F)]
                o &+= 3
            }
        }
        return o
    }

    @inline(__always)
    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (c &- 0x30) < 10 || ((c | 0x20) &- 0x61) < 26
    }

    /// Decodes `%XX` escapes (either case); nil for a malformed escape or a result that is not
    /// UTF-8. `+` stays `+` (that is form encoding, not URI percent-encoding).
    public static func decode(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes.withUnsafeBytes { UTF8Validation.isValid($0) } ? String(decoding: bytes, as: UTF8.self) : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
