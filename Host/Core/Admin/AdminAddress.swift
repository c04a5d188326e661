import Glibc

/// An admin endpoint address: `host:port` with an IPv4 literal or `localhost`, or `[v6]:port`
/// with an IPv6 literal (`[::1]:9090`, `[::]:9090`). Port 0 asks the kernel for a free one.
struct AdminAddress {
    let family: Int32
    let storage: sockaddr_storage
    let length: socklen_t

    init(_ text: String) throws(AdminError) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw AdminError("admin address '\(text)' is not host:port or [v6]:port")
        }
        var host = String(text[..<colon])
        var storage = sockaddr_storage()
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else {
                throw AdminError("admin address '\(text)': '\(host)' is not an IPv6 address")
            }
            withUnsafeBytes(of: address) { source in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) } }
            family = AF_INET6
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
                throw AdminError("admin address '\(text)': '\(host)' is not an IPv4 address (IPv6 goes in brackets)")
            }
            withUnsafeBytes(of: address) { source in withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) } }
            family = AF_INET
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        self.storage = storage
    }

    /// What a socket is bound to, written as this type parses it.
    static func describe(socket fd: Int32) -> (text: String, port: UInt16) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let isIPv6 = Int32(storage.ss_family) == AF_INET6
        let port: UInt16
        if isIPv6 {
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count))
            port = UInt16(bigEndian: address.sin6_port)
        } else {
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
            inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
            port = UInt16(bigEndian: address.sin_port)
        }
        let literal = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (isIPv6 ? "[\(literal)]:\(port)" : "\(literal):\(port)", port)
    }
}
