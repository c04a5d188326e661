/// Where an HTTP client connects: scheme, host and port (RFC 6454's origin). The client keeps one
/// connection pool per origin.
public struct HTTPOrigin: Hashable, Sendable, CustomStringConvertible {
    public enum Scheme: String, Sendable {
        case http, https

        public var defaultPort: UInt16 { self == .http ? 80 : 443 }
    }

    public var scheme: Scheme
    /// A registered name (lowercased), an IPv4 address, or an IPv6 address without brackets.
    public var host: String
    public var port: UInt16

    public init(scheme: Scheme, host: String, port: UInt16? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
    }

    /// The `Host` field value: the host (IPv6 in brackets), with the port unless it is the
    /// scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == scheme.defaultPort ? name : "\(name):\(port)"
    }

    /// The name TLS sends as SNI and checks against the certificate.
    public var serverName: String { host }

    public var description: String { "\(scheme.rawValue)://\(hostHeader)" }
}

/// An absolute `http://` or `https://` URL as an HTTP/1.1 client uses it: the origin to connect to
/// and the origin-form target (`/path?query`) of the request line.
///
/// Parsing is strict rather than forgiving, because a URL comes from configuration and a typo
/// should be an error at startup: only the two schemes; no user information (credentials belong
/// in headers, not in a URL that ends up in logs); a port from 1 to 65535; a path and query of
/// visible ASCII only (percent-encode anything else). A fragment is dropped, as clients never
/// send it.
public struct HTTPURL: Hashable, Sendable, CustomStringConvertible {
    public var origin: HTTPOrigin
    /// `/path?query`; `/` when the URL has no path.
    public var target: String

    public init(origin: HTTPOrigin, target: String = "/") {
        self.origin = origin
        self.target = target
    }

    public init(_ text: String) throws(HTTPURLError) {
        let bytes = Array(text.utf8)
        guard let separator = Self.find(bytes, "://") else { throw HTTPURLError(text, "expected http:// or https://") }
        let schemeText = String(decoding: bytes[..<separator], as: UTF8.self).lowercased()
        guard let scheme = HTTPOrigin.Scheme(rawValue: schemeText) else {
            throw HTTPURLError(text, "the scheme must be http or https")
        }
        var rest = bytes[(separator + 3)...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains(UInt8(ascii: "@")) else {
            throw HTTPURLError(text, "credentials in the URL are not supported; use an authorization header")
        }
        let (host, port) = try Self.parseAuthority(authority, text)
        var target = String(decoding: rest[authorityEnd...], as: UTF8.self)
        if target.isEmpty || target.utf8.first == UInt8(ascii: "?") { target = "/" + target }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPURLError(text, "the path and query must be visible ASCII (percent-encode the rest)")
        }
        origin = HTTPOrigin(scheme: scheme, host: host, port: port)
        self.target = target
    }

    public var description: String { origin.description + target }

    private static func parseAuthority(_ authority: ArraySlice<UInt8>, _ text: String) throws(HTTPURLError) -> (String, UInt16?) {
        var hostPart = authority
        var portPart: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw HTTPURLError(text, "unterminated IPv6 address") }
            hostPart = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { throw HTTPURLError(text, "unexpected text after the IPv6 address") }
                portPart = after.dropFirst()
            }
            guard !hostPart.isEmpty, hostPart.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
                throw HTTPURLError(text, "invalid IPv6 address")
            }
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            hostPart = authority[..<colon]
            portPart = authority[(colon + 1)...]
        }
        guard !hostPart.isEmpty else { throw HTTPURLError(text, "the host is missing") }
        guard hostPart.allSatisfy({ isNameByte($0) || $0 == UInt8(ascii: ":") }) else {
            throw HTTPURLError(text, "invalid character in the host")
        }
        var port: UInt16?
        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0 &- 0x30 < 10 }),
                  let number = Int(String(decoding: portPart, as: UTF8.self)), (1...65535).contains(number) else {
                throw HTTPURLError(text, "the port must be a number from 1 to 65535")
            }
            port = UInt16(number)
        }
        return (String(decoding: hostPart, as: UTF8.self).lowercased(), port)
    }

    private static func find(_ bytes: [UInt8], _ needle: String) -> Int? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start
        }
        return nil
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 6
    }

    /// RFC 3986 reg-name characters without percent-encoding and sub-delims: letters, digits,
    /// `-`, `.`, `_`, `~`.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }
}

/// A URL the client cannot use, with the URL and the reason.
public struct HTTPURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: String

    public init(_ url: String, _ reason: String) {
        self.url = url
        self.reason = reason
    }

    public var description: String { "invalid URL '\(url)': \(reason)" }
}
