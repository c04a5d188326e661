import Foundation
import Glibc
import Synchronization

/// The admin endpoint: `/healthz`, `/readyz` and `/metrics` (Prometheus text) on a loopback
/// address by default.
///
/// It serves operators and scrapers, a few requests a second at most, so one thread handles one
/// short connection at a time, with a 2 s receive timeout and an 8 KiB request limit so a stuck
/// or hostile client cannot hold it.
public final class AdminServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String

        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    public typealias Handler = @Sendable (_ method: String, _ path: String) -> Response

    private let listener: Int32
    private let handler: Handler
    private let stopped = Atomic<Bool>(false)
    private var thread: Thread?
    public let port: UInt16

    /// Binds `address` ("host:port"; port 0 picks a free one).
    public init(address: String, handler: @escaping Handler) throws {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw AdminError("admin address '\(address)' is not host:port")
        }
        let host = String(address[..<colon])
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &addr.sin_addr) == 1 else {
            throw AdminError("admin address '\(address)' needs an IPv4 address")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AdminError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AdminError("cannot listen on \(address): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: actual.sin_port)
        listener = fd
        self.handler = handler
    }

    public func start() {
        let thread = Thread { [self] in serve() }
        thread.name = "tributary-admin"
        self.thread = thread
        thread.start()
    }

    public func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while !stopped.load(ordering: .acquiring) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            handle(client)
            close(client)
        }
    }

    private func handle(_ client: Int32) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        let terminator: [UInt8] = [13, 10, 13, 10]
        while request.count < 8192 {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return }
            request.append(contentsOf: chunk[0..<n])
            if request.firstRange(of: terminator) != nil { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let response: Response
        if line.count == 3, line[2].hasPrefix("HTTP/1.") {
            let target = String(line[1])
            let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
            response = handler(String(line[0]), path)
        } else {
            response = Response(status: 400, body: "bad request\n")
        }
        let body = Array(response.body.utf8)
        let head = "HTTP/1.1 \(response.status) \(AdminServer.reason(response.status))\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(client, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

public struct AdminError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
