/// RFC 9110 character classes and list syntax, shared by the HTTP and WebSocket codecs.
enum HTTPGrammar {
    /// `tchar`: the bytes of a token (method, header name, transfer coding).
    @inline(__always)
    static func isTokenByte(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// A non-empty run of `tchar`.
    static func isToken(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenByte)
    }

    /// Optional whitespace: SP or HTAB.
    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    @inline(__always)
    static func lowercased(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }

    /// ASCII case-insensitive equality, as header names and most tokens compare.
    static func equalsIgnoringCase(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// `bytes` without leading and trailing SP and HTAB.
    static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        guard let first = bytes.firstIndex(where: { !isWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isWhitespace($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }

    /// The elements of comma-separated list values (RFC 9110 section 5.6.1): every value split
    /// on commas, trimmed, empty elements dropped as the RFC asks recipients to.
    static func listElements(_ values: [String]) -> [Substring] {
        values.flatMap { value in
            value.split(separator: ",", omittingEmptySubsequences: false).compactMap { element in
                let trimmed = trimmed(element.utf8)
                return trimmed.isEmpty ? nil : Substring(trimmed)
            }
        }
    }

    /// The value of a hexadecimal digit, or nil.
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c &- 0x30
        case 0x41...0x46: c &- 0x41 &+ 10
        case 0x61...0x66: c &- 0x61 &+ 10
        default: nil
        }
    }
}
