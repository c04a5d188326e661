/// Strict UTF-8 validation (RFC 3629 / Unicode Table 3-7: no overlong forms, no surrogates,
/// nothing above U+10FFFF, no truncated sequences).
///
/// Protocol fields (MQTT topics, HTTP paths, CloudEvent attributes) and JSON strings must be UTF-8;
/// ASCII runs are skipped eight bytes at a time, so the common case costs little.
public enum UTF8Validation {
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let raw = bytes.baseAddress else { return true }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        while i < n {
            while i &+ 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 8
            }
            guard i < n else { break }
            if base[i] < 0x80 {
                i &+= 1
            } else {
                i = sequenceEnd(base, n, i)
                if i < 0 { return false }
            }
        }
        return true
    }

    /// Validates the multi-byte UTF-8 sequence whose lead byte (≥ 0x80) is at `i` (Unicode
    /// Table 3-7). Returns the index after it, or -1.
    @inline(__always)
    static func sequenceEnd(_ base: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int {
        let c = base[i]
        if c < 0xC2 {
            return -1  // continuation byte or overlong 2-byte lead
        } else if c < 0xE0 {
            guard i &+ 1 < n, base[i &+ 1] & 0xC0 == 0x80 else { return -1 }
            return i &+ 2
        } else if c < 0xF0 {
            guard i &+ 2 < n else { return -1 }
            let b1 = base[i &+ 1]
            let low: UInt8 = c == 0xE0 ? 0xA0 : 0x80  // overlong
            let high: UInt8 = c == 0xED ? 0x9F : 0xBF  // surrogates
            guard b1 >= low && b1 <= high, base[i &+ 2] & 0xC0 == 0x80 else { return -1 }
            return i &+ 3
        } else if c < 0xF5 {
            guard i &+ 3 < n else { return -1 }
            let b1 = base[i &+ 1]
            let low: UInt8 = c == 0xF0 ? 0x90 : 0x80  // overlong
            let high: UInt8 = c == 0xF4 ? 0x8F : 0xBF  // above U+10FFFF
            guard b1 >= low && b1 <= high,
                base[i &+ 2] & 0xC0 == 0x80,
                base[i &+ 3] & 0xC0 == 0x80
            else { return -1 }
            return i &+ 4
        } else {
            return -1
        }
    }
}
