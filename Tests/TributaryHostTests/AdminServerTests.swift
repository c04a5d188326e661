import Dispatch
import Foundation
import Glibc
import Synchronization
import XCTest
@testable import TributaryHost

/// The admin endpoint over real sockets: the shared HTTP/1.1 codec's answers, IPv4 and IPv6, and
/// requests that do not wait for one another.
final class AdminServerTests: XCTestCase {
    private var server: AdminServer?

    override func tearDown() { server?.stop() }

    private func start(_ address: String = "127.0.0.1:0", handler: @escaping AdminServer.Handler) throws -> AdminServer {
        let started = try AdminServer(address: address, handler: handler)
        started.start()
        server = started
        return started
    }

    private static let ok: AdminServer.Handler = { method, path in .init(status: 200, body: "\(method) \(path)\n") }

    func testAnswersWithTheRegisteredReasonPhraseAndFraming() throws {
        let admin = try start { _, _ in .init(status: 422, contentType: "application/json", body: "{}\n") }
        let reply = try AdminClient.exchange(admin, "POST /reload HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 422 Unprocessable Content\r\n"), reply)
        XCTAssertTrue(reply.contains("\r\nContent-Type: application/json\r\n"), reply)
        XCTAssertTrue(reply.contains("\r\nContent-Length: 3\r\n"), reply)
        XCTAssertTrue(reply.hasSuffix("\r\n\r\n{}\n"), reply)
    }

    func testRoutesOnThePathWithoutTheQueryAndSaysWhereItListens() throws {
        let admin = try start(handler: Self.ok)
        XCTAssertEqual(admin.boundAddress, "127.0.0.1:\(admin.port)")
        let reply = try AdminClient.exchange(admin, "GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(reply.hasSuffix("GET /metrics\n"), reply)
    }

    func testListensOnIPv6AndSaysWhere() throws {
        let admin = try start("[::1]:0", handler: Self.ok)
        XCTAssertEqual(admin.boundAddress, "[::1]:\(admin.port)")
        let reply = try AdminClient.exchange(admin, "GET /healthz HTTP/1.1\r\nHost: [::1]\r\n\r\n", family: AF_INET6)
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 200 OK\r\n"), reply)
    }

    func testRefusesAddressesItCannotParse() {
        for address in ["::1:9090", "[::1]", "127.0.0.1", "example.com:9090", "[127.0.0.1]:9090"] {
            XCTAssertThrowsError(try AdminServer(address: address, handler: Self.ok), address)
        }
    }

    func testMalformedAndOversizedRequestsGetTheDecodersStatus() throws {
        let admin = try start(handler: Self.ok)
        let cases: [(String, String)] = [
            ("GARBAGE\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"),
            ("GET /\(String(repeating: "a", count: 2000)) HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 414 URI Too Long\r\n"),
            ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 9000))\r\n\r\n",
             "HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            ("POST /reload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", "HTTP/1.1 413 Content Too Large\r\n"),
        ]
        for (request, statusLine) in cases {
            let reply = try AdminClient.exchange(admin, request)
            XCTAssertTrue(reply.hasPrefix(statusLine), "\(request.prefix(40)): \(reply)")
        }
    }

    func testAnIncompleteRequestTimesOut() throws {
        let admin = try start(handler: Self.ok)
        let started = Date()
        let reply = try AdminClient.exchange(admin, "GET /healthz HTTP/1.1\r\nHost:")
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), reply)
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
    }

    /// A reload that takes its time (held here until released) leaves `/healthz` and `/metrics`
    /// answering.
    func testHealthAndMetricsAnswerWhileAReloadIsHeld() throws {
        let reloadEntered = DispatchSemaphore(value: 0)
        let releaseReload = DispatchSemaphore(value: 0)
        let admin = try start { method, path in
            if (method, path) == ("POST", "/reload") {
                reloadEntered.signal()
                _ = releaseReload.wait(timeout: .now() + 20)
                return .init(status: 200, body: "reloaded\n")
            }
            return .init(status: 200, body: "\(path) ok\n")
        }
        let reload = DispatchGroup()
        let reloadReply = Mutex("")
        DispatchQueue.global().async(group: reload) {
            let reply = (try? AdminClient.exchange(admin, "POST /reload HTTP/1.1\r\nHost: x\r\n\r\n", timeoutSeconds: 30)) ?? ""
            reloadReply.withLock { $0 = reply }
        }
        XCTAssertEqual(reloadEntered.wait(timeout: .now() + 5), .success)

        for path in ["/healthz", "/metrics"] {
            let started = Date()
            let reply = try AdminClient.exchange(admin, "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n", timeoutSeconds: 5)
            XCTAssertTrue(reply.hasSuffix("\(path) ok\n"), reply)
            XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        }
        XCTAssertEqual(reloadReply.withLock { $0 }, "", "the reload answered before it was released")

        releaseReload.signal()
        XCTAssertEqual(reload.wait(timeout: .now() + 10), .success)
        XCTAssertTrue(reloadReply.withLock { $0 }.hasSuffix("reloaded\n"))
    }
}

/// A raw HTTP client: sends bytes as given (malformed ones too) and reads until the server closes.
private enum AdminClient {
    static func exchange(_ server: AdminServer, _ request: String, family: Int32 = AF_INET, timeoutSeconds: Int = 10) throws -> String {
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, to: server.port, family: family) == 0 else { throw POSIXError(.ECONNREFUSED) }
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            reply += chunk[..<count]
        }
        return String(decoding: reply, as: UTF8.self)
    }

    private static func connect(_ fd: Int32, to port: UInt16, family: Int32) -> Int32 {
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
