import Foundation
import TestSupport
import XCTest

/// Broken and hostile clients get the right error or timeout and never affect other connections.
final class MalformedRequestTests: XCTestCase {
    nonisolated(unsafe) private static var shared: HTTPTestHost?
    private var host: HTTPTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? HTTPTestHost(http: "request_timeout_ms = 1500") }
    override class func tearDown() { shared = nil }

    private func healthy() throws {
        XCTAssertEqual(try host.curl(["-u", "device-1@app:secret", "-X", "POST", "--data", "{}", host.device("/v1/telemetry")]).status, 202)
    }

    func testBadRequestLine() throws {
        let reply = try host.raw("GARBAGE\r\n\r\n", port: host.devicePort)
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 400"), reply)
        try healthy()
    }

    func testHugeHeaders() throws {
        let reply = try host.raw("POST /v1/t HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 40_000))\r\n\r\n", port: host.devicePort)
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 431"), reply)
        try healthy()
    }

    func testABodyLongerThanDeclared() throws {
        // The declared body ends the request; the rest is read as a next request, which is garbage.
        let auth = Data("device-1@app:secret".utf8).base64EncodedString()
        let reply = try host.raw("POST /v1/t HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(auth)\r\nContent-Length: 2\r\n\r\n{}EXTRA BYTES\r\n\r\n",
                                 port: host.devicePort)
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 202"), reply)
        XCTAssertTrue(reply.contains("HTTP/1.1 400"), reply)
        try healthy()
    }

    func testASlowClientThatNeverFinishesGets408() throws {
        let started = Date()
        let reply = try host.raw("POST /v1/t HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", port: host.devicePort, seconds: 10)
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 408"), reply)
        XCTAssertLessThan(Date().timeIntervalSince(started), 9, "the request timeout, not the client's, ended it")
        try healthy()
    }

    /// The hanging client says when its half request is sent, so the others are served while it
    /// hangs; then its own outcome is asserted: the server's 408 at the request timeout.
    func testOtherConnectionsAreServedWhileOneHangs() throws {
        let host = try host
        let hanging = try host.startRaw("POST /v1/t HTTP/1.1\r\nHost: x\r\n", port: host.devicePort, seconds: 10)
        XCTAssertTrue(hanging.waitForOutput(containing: HTTPTestHost.sent, seconds: 10), hanging.output)
        for _ in 0..<5 { try healthy() }
        let outcome = hanging.wait(seconds: 15)
        XCTAssertEqual(outcome.status, 0, outcome.output)
        XCTAssertTrue(outcome.output.contains(HTTPTestHost.sent + "HTTP/1.1 408"), "the hanging connection got its 408: \(outcome.output)")
        XCTAssertFalse(outcome.output.contains("<timeout>"), "the server closed it, not the client: \(outcome.output)")
    }

    func testExpectContinueIsAnswered() throws {
        let big = String(repeating: "x", count: 4096)
        let reply = try host.curl(["-u", "device-1@app:secret", "-X", "POST", "-H", "Expect: 100-continue", "--data", big,
                                   host.device("/v1/telemetry")])
        XCTAssertEqual(reply.status, 202)
        XCTAssertTrue(reply.headers.contains("100 Continue"), reply.headers)
    }
}
