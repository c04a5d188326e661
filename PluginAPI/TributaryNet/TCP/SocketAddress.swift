import Glibc

/// An IPv4 or IPv6 socket address parsed from "host:port" ("[::1]:8080" for IPv6). Equal when
/// family, address and port are (a UDP endpoint keys its peers by it).
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    /// The text it was parsed from; a received address is formatted only when asked, since a UDP
    /// endpoint makes one per datagram.
    private var text: String?

    public var description: String { text ?? SocketAddress.format(storage) }

    public init(_ text: String) throws(IOError) {
        var host = text
        var portText = ""
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...].dropFirst())
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = UInt16(portText) else { throw IOError("address '\(text)' (expected host:port)", errno: EINVAL) }
        if host.isEmpty || host == "*" { host = "0.0.0.0" }
        if host == "localhost" { host = "127.0.0.1" }
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeBytes(of: v4) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeBytes(of: v6) { raw in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) } }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            throw IOError("address '\(text)' (the host must be a numeric IPv4 or IPv6 address)", errno: EINVAL)
        }
        self.text = text
    }

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        lhs.family == rhs.family && lhs.port == rhs.port && lhs.withAddressBytes { a in rhs.withAddressBytes { a.elementsEqual($0) } }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(family)
        hasher.combine(port)
        withAddressBytes { hasher.combine(bytes: $0) }
    }

    /// The address as a 24-byte value, equal exactly when the addresses are: what a table keyed by
    /// peer should hold instead of the 128-byte `sockaddr_storage`.
    public struct Compact: Hashable, Sendable {
        let high: UInt64
        let low: UInt64
        let port: UInt16
        let family: UInt16
    }

    public var compact: Compact {
        withAddressBytes { bytes in
            var words = (UInt64(0), UInt64(0))
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
            return Compact(high: words.0, low: words.1, port: port, family: UInt16(truncatingIfNeeded: family))
        }
    }

    /// The 4 or 16 bytes of the IP address.
    private func withAddressBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            family == AF_INET6
                ? body(UnsafeRawBufferPointer(rebasing: raw[MemoryLayout<sockaddr_in6>.offset(of: \.sin6_addr)!..<MemoryLayout<sockaddr_in6>.offset(of: \.sin6_addr)! + 16]))
                : body(UnsafeRawBufferPointer(rebasing: raw[MemoryLayout<sockaddr_in>.offset(of: \.sin_addr)!..<MemoryLayout<sockaddr_in>.offset(of: \.sin_addr)! + 4]))
        }
    }

    var family: Int32 { Int32(storage.ss_family) }

    public var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            family == AF_INET6 ? UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
                : UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
        }
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) }
    }

    /// The IP address alone, without the port ("127.0.0.1", "[::1]"): what a client keeps when it
    /// comes back from another port, so what per-client budgets are keyed by.
    public var host: String { SocketAddress.format(storage, withPort: false) }

    static func format(_ storage: sockaddr_storage, withPort: Bool = true) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return withUnsafeBytes(of: storage) { raw -> String in
            if Int32(storage.ss_family) == AF_INET6 {
                var address = raw.load(as: sockaddr_in6.self)
                inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count))
                let host = "[" + String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "]"
                return withPort ? host + ":\(UInt16(bigEndian: address.sin6_port))" : host
            }
            var address = raw.load(as: sockaddr_in.self)
            inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
            let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return withPort ? host + ":\(UInt16(bigEndian: address.sin_port))" : host
        }
    }
}
