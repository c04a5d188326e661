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
        let process = try host.host
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { process.output.contains("http device 127.0.0.1:") && process.output.contains(": 400 ") },
                      "the protocol error is logged with the peer")
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

    /// #12 item 3: pipelining without reading the responses, with a 4 KB receive buffer. The
    /// server stops reading once the unsent responses pass its bound, so the client soon cannot
    /// send; the host's memory stays bounded and other clients are served meanwhile.
    func testPipeliningWithoutReadingIsBackPressured() throws {
        let host = try host
        let pid = host.host.process.processIdentifier
        let script = """
            import socket, time, subprocess, json
            def rss():
                return int([l.split()[1] for l in open("/proc/\(pid)/status") if l.startswith("VmRSS")][0])
            before = rss()
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", \(host.devicePort)))
            s.setblocking(False)
            chunk = b"GET /nope HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n" * 10000
            sent, deadline, stalled_since = 0, time.monotonic() + 20, None
            while time.monotonic() < deadline and sent < 100000000:
                try:
                    sent += s.send(chunk)
                    stalled_since = None
                except BlockingIOError:
                    stalled_since = stalled_since or time.monotonic()
                    if time.monotonic() - stalled_since > 1:
                        break
                    time.sleep(0.01)
            other = subprocess.run(["/usr/bin/curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}",
                                    "http://127.0.0.1:\(host.devicePort)/"], capture_output=True, text=True).stdout
            print(json.dumps(dict(sent=sent, grown_kb=rss() - before, other=other)))
            s.close()
            """
        let output = try Fixtures.run("/usr/bin/python3", ["-c", script]).output
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
        let sent = try XCTUnwrap(result["sent"] as? Int)
        XCTAssertLessThan(sent, 40_000_000, "the server stopped reading: the client could not go on sending")
        XCTAssertLessThan(try XCTUnwrap(result["grown_kb"] as? Int), 32 * 1024, "the host's memory stays bounded")
        XCTAssertEqual(result["other"] as? String, "200", "another client is served meanwhile")
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
