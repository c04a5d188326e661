import Foundation
import TestSupport
import XCTest

/// The application side: command API authorization and the WebSocket integration with a real
/// WebSocket client (python3-websocket).
final class ApplicationAPITests: XCTestCase {
    nonisolated(unsafe) private static var shared: HTTPTestHost?
    private var host: HTTPTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? HTTPTestHost() }
    override class func tearDown() { shared = nil }

    func testCommandAPIAuthentication() throws {
        let host = try host
        let url = host.application("/api/command/v1alpha1/apps/app/devices/device-1?command=x")
        XCTAssertEqual(try host.curl(["-X", "POST", url]).status, 401, "no credentials")
        XCTAssertEqual(try host.curl(["-X", "POST", "-u", "owner:wrong", url]).status, 401)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { host.host.output.contains("user authentication failed") }, "a refused login is logged")
        XCTAssertFalse(host.host.output.contains("owner:wrong") || host.host.output.contains("wrong)"), "never the secret")
        XCTAssertEqual(try host.curl(["-X", "POST", "-u", "owner:owner-key", "-H", "Authorization: Bearer x", url]).status, 401, "two credentials")
        XCTAssertEqual(try host.curl(["-X", "POST", "-u", "stranger:stranger-key", url]).status, 404, "no access: the app stays hidden")
        XCTAssertEqual(try host.curl(["-X", "POST", "-u", "reader:reader-key", url]).status, 404, "read is not enough to command")
        XCTAssertEqual(try host.curl(["-X", "POST", url + "&username=owner&api_key=owner-key"]).status, 503, "query credentials; no live route")
        XCTAssertEqual(try host.curl(["-X", "POST", "-u", "owner:owner-key",
                                      host.application("/api/command/v1alpha1/apps/app/devices/device-1")]).status, 400, "no command name")
    }

    /// Starts a WebSocket consumer that prints `count` messages (or stops after `seconds`).
    private func consumer(_ path: String, count: Int, seconds: Double = 10) throws -> (Process, Pipe) {
        let host = try host
        let script = """
            import base64, sys, websocket
            ws = websocket.create_connection("ws://127.0.0.1:\(host.applicationPort)\(path)",
                header=["Authorization: Basic " + base64.b64encode(b"reader:reader-key").decode()], timeout=\(seconds))
            print("open", flush=True)
            try:
                for _ in range(\(count)):
                    print(ws.recv(), flush=True)
            except Exception as e:
                print("end", type(e).__name__, flush=True)
            ws.close()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }

    private func lines(_ consumer: (Process, Pipe)) -> [String] {
        consumer.0.waitUntilExit()
        return String(decoding: consumer.1.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    private func post(_ n: Int, channel: String = "telemetry") throws {
        XCTAssertEqual(try host.curl(["-u", "device-1@app:secret", "-X", "POST", "-H", "Content-Type: application/json",
                                      "--data", "{\"n\":\(n)}", host.device("/v1/\(channel)")]).status, 202)
    }

    private func numbers(_ lines: [String]) -> [Int] {
        lines.compactMap { line in
            guard line.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return (object["data"] as? [String: Any])?["n"] as? Int
        }
    }

    func testConsumersGroupsAndChannelFilters() throws {
        let all = try consumer("/app", count: 6)
        let memberA = try consumer("/app?group_id=g", count: 6, seconds: 4)
        let memberB = try consumer("/app?group_id=g", count: 6, seconds: 4)
        let stateOnly = try consumer("/app/state", count: 1, seconds: 4)
        let process = try host.host
        XCTAssertTrue(Fixtures.waitUntil { process.metric("tributary_bus_subscriptions{instance=\"http\"}") == 4 }, "every consumer subscribed")
        for n in 0..<6 { try post(n) }
        let everything = numbers(lines(all))
        XCTAssertEqual(everything, Array(0..<6), "one text frame per event, in order")
        let a = numbers(lines(memberA)), b = numbers(lines(memberB))
        XCTAssertFalse(a.isEmpty || b.isEmpty, "both members got a share: \(a) \(b)")
        XCTAssertEqual(Set(a).intersection(b), [], "no event went to both members")
        XCTAssertEqual(Set(a).union(b), Set(0..<6), "together they got everything")
        XCTAssertEqual(numbers(lines(stateOnly)), [], "the channel filter filters")
    }

    func testWebSocketRefusals() throws {
        let host = try host
        let upgrade = ["-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                       "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]
        XCTAssertEqual(try host.curl(upgrade + [host.application("/app")]).status, 401)
        XCTAssertEqual(try host.curl(upgrade + ["-u", "stranger:stranger-key", host.application("/app")]).status, 404)
        XCTAssertEqual(try host.curl(["-u", "reader:reader-key", host.application("/app")]).status, 400, "not an upgrade")
    }

    /// A WebSocket client that breaks the protocol (an unmasked client frame) is closed with 1002,
    /// and the host's log names it.
    func testAWebSocketProtocolViolationIsClosedAndLogged() throws {
        let host = try host
        let script = """
            import base64, socket, sys
            s = socket.create_connection(("127.0.0.1", \(host.applicationPort)), timeout=5)
            key = base64.b64encode(b"0123456789abcdef").decode()
            s.sendall(("GET /app HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                       "Sec-WebSocket-Key: " + key + "\\r\\nSec-WebSocket-Version: 13\\r\\n"
                       "Authorization: Basic " + base64.b64encode(b"owner:owner-key").decode() + "\\r\\n\\r\\n").encode())
            head = b""
            while b"\\r\\n\\r\\n" not in head:
                head += s.recv(1024)
            assert head.startswith(b"HTTP/1.1 101"), head
            s.sendall(b"\\x81\\x05hello")
            data = head.split(b"\\r\\n\\r\\n", 1)[1]
            while len(data) < 4:
                chunk = s.recv(1024)
                if not chunk: break
                data += chunk
            print(data[:4].hex())
            """
        let result = try Fixtures.run("/usr/bin/python3", ["-c", script])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.hasPrefix("88") && result.output.dropFirst(4).hasPrefix("03ea"), "a close frame with 1002: \(result.output)")
        let process = host.host
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { process.output.contains("http websocket 127.0.0.1:") }, "logged with the peer")
    }
}
