import Dispatch
import Foundation
import Synchronization
import TestSupport
import XCTest
@testable import TributaryNet

/// Answers every request after `delayMilliseconds` (never, when negative) with 200 and the
/// request body; records the connections requests came on and the most answered concurrently.
private final class Recorder: HTTPRequestHandler, @unchecked Sendable {
    let delayMilliseconds: Int
    let connections = Mutex<Set<String>>([])
    let concurrent = Atomic<Int>(0)
    let maxConcurrent = Atomic<Int>(0)

    init(delayMilliseconds: Int = 0) { self.delayMilliseconds = delayMilliseconds }

    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder) {
        connections.withLock { _ = $0.insert(connection.remoteAddress) }
        guard delayMilliseconds >= 0 else { return }
        let now = concurrent.add(1, ordering: .relaxed).newValue
        while true {
            let seen = maxConcurrent.load(ordering: .relaxed)
            if now <= seen || maxConcurrent.compareExchange(expected: seen, desired: now, ordering: .relaxed).exchanged { break }
        }
        let response = HTTPResponse(status: 200, headers: ["X-Target": request.head.target], body: request.body)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delayMilliseconds)) { [self] in
            concurrent.subtract(1, ordering: .relaxed)
            responder.respond(response)
        }
    }
}

final class HTTPClientTests: XCTestCase {
    private var group: EventLoopGroup!

    override func setUpWithError() throws {
        group = try EventLoopGroup(name: "client-test", count: 1)
    }

    override func tearDown() {
        group.stop()
    }

    private func server(_ handler: Recorder, tls: TLSContext? = nil, idleTimeoutMilliseconds: Int64 = 60_000) throws -> HTTPServer {
        let server = try HTTPServer(address: "127.0.0.1:0", group: group, tls: tls,
                                    configuration: HTTPServerConfiguration(idleTimeoutMilliseconds: idleTimeoutMilliseconds),
                                    handler: handler)
        server.start()
        return server
    }

    /// Sends and waits for the result.
    private func send(_ client: HTTPClient, _ url: String, body: String = "", timeout: Int64 = 5_000) throws -> Result<HTTPClientResponse, HTTPClientError> {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<HTTPClientResponse, HTTPClientError>?>(nil)
        let target = try HTTPURL(url)
        client.send(HTTPClientRequest(method: "POST", url: target, body: Array(body.utf8)), to: target, timeoutMilliseconds: timeout) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        return try XCTUnwrap(result.withLock { $0 })
    }

    func testSequentialRequestsReuseOneKeepAliveConnection() throws {
        let recorder = Recorder()
        let server = try server(recorder)
        defer { server.stop() }
        let client = HTTPClient(group: group)
        defer { client.shutdown() }
        for index in 0..<20 {
            let response = try send(client, "http://127.0.0.1:\(server.port)/hook?n=\(index)", body: "event \(index)").get()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "event \(index)")
            XCTAssertEqual(response.headers["X-Target"], "/hook?n=\(index)")
        }
        XCTAssertEqual(recorder.connections.withLock { $0.count }, 1)
    }

    func testConcurrencyIsBoundedByTheConnectionLimitAndEveryRequestCompletes() throws {
        let recorder = Recorder(delayMilliseconds: 50)
        let server = try server(recorder)
        defer { server.stop() }
        let client = HTTPClient(group: group, configuration: HTTPClientConfiguration(maxConnectionsPerOrigin: 3))
        defer { client.shutdown() }
        let url = try HTTPURL("http://127.0.0.1:\(server.port)/")
        let done = DispatchGroup()
        let statuses = Mutex<[Int]>([])
        for _ in 0..<24 {
            done.enter()
            client.send(HTTPClientRequest(method: "POST", url: url), to: url, timeoutMilliseconds: 10_000) { result in
                statuses.withLock { $0.append((try? result.get())?.status ?? -1) }
                done.leave()
            }
        }
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        XCTAssertEqual(statuses.withLock { $0 }, Array(repeating: 200, count: 24))
        XCTAssertLessThanOrEqual(recorder.connections.withLock { $0.count }, 3)
        XCTAssertEqual(recorder.maxConcurrent.load(ordering: .relaxed), 3)
    }

    func testATimeoutFailsTheRequestAndANewConnectionServesTheNext() throws {
        let silent = Recorder(delayMilliseconds: -1)
        let server = try server(silent)
        defer { server.stop() }
        let client = HTTPClient(group: group)
        defer { client.shutdown() }
        let started = Date()
        XCTAssertEqual(try send(client, "http://127.0.0.1:\(server.port)/", timeout: 300), .failure(.timedOut))
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(try send(client, "http://127.0.0.1:\(server.port)/", timeout: 300), .failure(.timedOut))
        XCTAssertEqual(silent.connections.withLock { $0.count }, 2, "a timed-out connection is not reused")
    }

    func testRefusedConnectionsFailFast() throws {
        let client = HTTPClient(group: group)
        defer { client.shutdown() }
        let port = try {
            let server = try self.server(Recorder())
            defer { server.stop() }
            return server.port
        }()
        guard case .failure(.connectFailed(let reason)) = try send(client, "http://127.0.0.1:\(port)/") else {
            return XCTFail("expected a connect failure")
        }
        XCTAssertTrue(reason.contains("refused"), reason)
    }

    func testAStaleKeepAliveConnectionIsReplacedTransparently() throws {
        let recorder = Recorder()
        let server = try server(recorder, idleTimeoutMilliseconds: 100)
        defer { server.stop() }
        let client = HTTPClient(group: group)
        defer { client.shutdown() }
        let url = "http://127.0.0.1:\(server.port)/"
        XCTAssertEqual(try send(client, url).get().status, 200)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { server.openConnections == 0 }, "the server closed the idle connection")
        XCTAssertEqual(try send(client, url).get().status, 200)
        XCTAssertEqual(recorder.connections.withLock { $0.count }, 2)
    }

    func testHTTPSVerifiesTheServerAgainstTheCABundle() throws {
        let pki = try TestPKI()
        let ca = try pki.authority("ca", subject: "/CN=Test CA")
        let other = try pki.authority("other", subject: "/CN=Other CA")
        let leaf = try pki.server("server", issuer: ca)
        let serverTLS = try TLSContext(server: TLSServerConfiguration(certificateFile: leaf.certificatePath, privateKeyFile: leaf.keyPath))
        let server = try server(Recorder(), tls: serverTLS)
        defer { server.stop() }

        let trusting = HTTPClient(group: group, tls: try TLSContext(client: TLSClientConfiguration(caFile: ca.certificatePath)))
        defer { trusting.shutdown() }
        let response = try send(trusting, "https://localhost:\(server.port)/secure", body: "over tls").get()
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "over tls")

        let doubting = HTTPClient(group: group, tls: try TLSContext(client: TLSClientConfiguration(caFile: other.certificatePath)))
        defer { doubting.shutdown() }
        guard case .failure(.tlsFailed(let reason)) = try send(doubting, "https://localhost:\(server.port)/") else {
            return XCTFail("a server signed by another CA must be refused")
        }
        XCTAssertTrue(reason.contains("certificate"), reason)

        // The certificate's IP address entry verifies an IP literal (no SNI is sent for it).
        XCTAssertEqual(try send(trusting, "https://127.0.0.1:\(server.port)/").get().status, 200)
    }

    func testHTTPSRefusesACertificateForAnotherName() throws {
        let pki = try TestPKI()
        let ca = try pki.authority("ca", subject: "/CN=Test CA")
        // A proper server certificate, for another name.
        try pki.openssl(["req", "-config", pki.path("pki.cnf"), "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                         "-nodes", "-keyout", pki.path("wrong.key"), "-out", pki.path("wrong.csr"), "-subj", "/CN=wrong.example"])
        try "basicConstraints = critical, CA:FALSE\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:wrong.example\n"
            .write(toFile: pki.path("wrong.ext"), atomically: true, encoding: .utf8)
        try pki.openssl(["x509", "-req", "-in", pki.path("wrong.csr"), "-CA", ca.certificatePath, "-CAkey", ca.keyPath, "-set_serial", "99",
                         "-days", "1", "-extfile", pki.path("wrong.ext"), "-out", pki.path("wrong.pem")])
        let server = try server(Recorder(), tls: try TLSContext(server: TLSServerConfiguration(certificateFile: pki.path("wrong.pem"),
                                                                                                privateKeyFile: pki.path("wrong.key"))))
        defer { server.stop() }
        let client = HTTPClient(group: group, tls: try TLSContext(client: TLSClientConfiguration(caFile: ca.certificatePath)))
        defer { client.shutdown() }
        guard case .failure(.tlsFailed(let reason)) = try send(client, "https://localhost:\(server.port)/") else {
            return XCTFail("a certificate for another name must be refused")
        }
        XCTAssertTrue(reason.contains("mismatch"), reason)
    }

    func testShutdownFailsWhatIsWaiting() throws {
        let recorder = Recorder(delayMilliseconds: -1)
        let server = try server(recorder)
        defer { server.stop() }
        let client = HTTPClient(group: group)
        let url = try HTTPURL("http://127.0.0.1:\(server.port)/")
        let result = Mutex<Result<HTTPClientResponse, HTTPClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        client.send(HTTPClientRequest(method: "POST", url: url), to: url, timeoutMilliseconds: 10_000) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { recorder.connections.withLock { !$0.isEmpty } }, "the request is waiting in the server")
        client.shutdown()
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(result.withLock { $0 }, .failure(.shutdown))
    }
}

final class HTTPURLTests: XCTestCase {
    func testParsesOriginsAndTargets() throws {
        let plain = try HTTPURL("HTTP://Example.COM/a/b?c=d#frag")
        XCTAssertEqual(plain.origin, HTTPOrigin(scheme: .http, host: "example.com", port: 80))
        XCTAssertEqual(plain.target, "/a/b?c=d")
        XCTAssertEqual(plain.origin.hostHeader, "example.com")
        let secure = try HTTPURL("https://[::1]:8443?x")
        XCTAssertEqual(secure.origin, HTTPOrigin(scheme: .https, host: "::1", port: 8443))
        XCTAssertEqual(secure.target, "/?x")
        XCTAssertEqual(secure.origin.hostHeader, "[::1]:8443")
        XCTAssertEqual(try HTTPURL("https://h:443").origin.hostHeader, "h")
        XCTAssertEqual(try HTTPURL("http://127.0.0.1:8080").description, "http://127.0.0.1:8080/")
    }

    func testRefusesWhatAClientCannotSend() {
        for (text, reason) in [("example.com/x", "http:// or https://"), ("ftp://h/", "http or https"), ("http:///x", "host is missing"),
                               ("http://u:p@h/", "credentials"), ("http://h:0/", "port"), ("http://h:65536/", "port"),
                               ("http://h:x/", "port"), ("http://h/a b", "visible ASCII"), ("http://h^/", "invalid character"),
                               ("http://[::1/", "unterminated")] {
            XCTAssertThrowsError(try HTTPURL(text), text) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(text): \(error)")
            }
        }
    }
}
