/// The request line and header section of an HTTP/1.x request.
///
/// The target is kept exactly as received: routing on a decoded path would let `%2F` or `%2E%2E`
/// change which handler runs. ``path`` and ``query`` are raw slices of it; ``pathSegments`` and
/// ``queryItems`` decode them for handlers that want values.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token, case-sensitive (`GET`, not `get`).
    public var method: String
    /// The request target as received: origin-form `/p?q`, absolute-form `http://h/p`,
    /// authority-form `h:443` (CONNECT) or `*` (OPTIONS).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = [:]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path of the target, not percent-decoded: up to the `?` in origin-form, the path after
    /// the authority in absolute-form (`/` when empty), the whole target otherwise.
    public var path: String {
        let bytes = target.utf8
        let end = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        guard bytes.first != UInt8(ascii: "/"), let authority = Self.authorityStart(bytes[..<end]) else {
            return String(target[..<end])
        }
        guard let slash = bytes[authority..<end].firstIndex(of: UInt8(ascii: "/")) else { return "/" }
        return String(target[slash..<end])
    }

    /// Everything after the first `?`, not decoded, or nil without a `?`.
    public var query: String? {
        target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[target.utf8.index(after: $0)...]) }
    }

    /// Whether the connection stays open after the response (RFC 9112 section 9.3): HTTP/1.1
    /// unless `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool { version.keepsAlive(headers) }

    /// Whether the client waits for `100 Continue` before sending the body. HTTP/1.0 requests
    /// never do: RFC 9110 section 10.1.1 tells servers to ignore the expectation there.
    public var expectsContinue: Bool {
        version == .http1_1 && headers.values("Expect").contains { HTTPGrammar.equalsIgnoringCase($0.utf8, "100-continue".utf8) }
    }

    /// The query as `application/x-www-form-urlencoded` pairs, in order: split on `&`, then on the
    /// first `=` (a missing value is `""`), `+` read as space and `%XX` decoded.
    ///
    /// Lenient, as browsers are: empty pairs are skipped, a `%` not followed by two hex digits is
    /// kept literally, and bytes that are not UTF-8 become U+FFFD.
    public var queryItems: [(String, String)] {
        guard let query else { return [] }
        return query.utf8.split(separator: UInt8(ascii: "&")).map { pair in
            let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
            let value = equals == pair.endIndex ? pair[equals...] : pair[pair.index(after: equals)...]
            return (Self.formDecoded(pair[..<equals]), Self.formDecoded(value))
        }
    }

    /// The path split on `/` and percent-decoded, so `%2F` stays inside its segment:
    /// `/a/b%20c/` gives `["a", "b c", ""]` and `/` gives `[]`.
    ///
    /// Strict: nil when the path does not start with `/`, has a `%` not followed by two hex
    /// digits, or decodes to bytes that are not UTF-8.
    public var pathSegments: [String]? {
        let raw = path.utf8
        guard raw.first == UInt8(ascii: "/") else { return nil }
        var segments: [String] = []
        for piece in raw.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard let decoded = Self.percentDecoded(piece, plusIsSpace: false),
                let segment = String(validating: decoded, as: UTF8.self)
            else { return nil }
            segments.append(segment)
        }
        return raw.count == 1 ? [] : segments
    }

    /// The index after `scheme://` when `bytes` starts with an RFC 3986 scheme and `//`.
    static func authorityStart(_ bytes: Substring.UTF8View) -> String.Index? {
        guard let first = bytes.first, (first | 0x20) &- 0x61 < 26,
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
            bytes[..<colon].allSatisfy({ ($0 | 0x20) &- 0x61 < 26 || $0 &- 0x30 < 10 || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return nil }
        let rest = bytes[bytes.index(after: colon)...]
        guard rest.starts(with: "//".utf8) else { return nil }
        return bytes.index(colon, offsetBy: 3)
    }

    private static func formDecoded(_ bytes: Substring.UTF8View.SubSequence) -> String {
        String(decoding: percentDecoded(bytes, plusIsSpace: true) ?? [], as: UTF8.self)
    }

    /// Percent-decodes `bytes`. With `plusIsSpace` (form decoding) `+` is a space and a malformed
    /// escape is kept literally; without it a malformed escape makes the result nil.
    private static func percentDecoded(_ bytes: Substring.UTF8View.SubSequence, plusIsSpace: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let c = bytes[index]
            index = bytes.index(after: index)
            if c == UInt8(ascii: "+") && plusIsSpace {
                output.append(0x20)
            } else if c == UInt8(ascii: "%") {
                let digits = bytes[index...].prefix(2)
                if digits.count == 2, let high = HTTPGrammar.hexValue(digits.first!), let low = HTTPGrammar.hexValue(digits.last!) {
                    output.append(high << 4 | low)
                    index = digits.endIndex
                } else if plusIsSpace {
                    output.append(c)
                } else {
                    return nil
                }
            } else {
                output.append(c)
            }
        }
        return output
    }
}
