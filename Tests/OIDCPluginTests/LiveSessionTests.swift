import Foundation
import TestSupport
import XCTest

/// Sessions that outlive a request end with their token: a WebSocket consumer is closed with
/// 1008 `JWT token expired` unless it refreshes (Drogue's `{"RefreshAccessToken":"<jwt>"}`), and
/// an MQTT integration client is disconnected (v5: DISCONNECT 0xA0 Maximum connect time; v3.1.1:
/// the connection closes). Real clients: python3-websocket and paho-mqtt.
final class LiveSessionTests: XCTestCase {
    nonisolated(unsafe) private static var shared: OIDCTestHost?
    private var host: OIDCTestHost { get throws { try XCTUnwrap(Self.shared, "the OIDC test host did not start") } }

    override class func setUp() { shared = try? OIDCTestHost(label: "oidc-sessions") }
    override class func tearDown() { shared = nil }

    /// Runs a WebSocket consumer of `app` that sends `refresh` (if any) a second after it opened,
    /// and prints `open`, each event's subject, and `close CODE REASON SECONDS`.
    private func webSocket(_ token: String, refresh: String? = nil, inQuery: Bool = false) throws -> BackgroundProcess {
        let host = try host
        let script = """
            import json, sys, time, websocket
            token, refresh, in_query = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
            url = "ws://127.0.0.1:\(host.applicationPort)/app" + ("?token=" + token if in_query else "")
            ws = websocket.create_connection(url, header=[] if in_query else ["Authorization: Bearer " + token], timeout=30)
            start = time.time()
            print("open", flush=True)
            if refresh:
                time.sleep(1)
                ws.send(json.dumps({"RefreshAccessToken": refresh}))
            while True:
                opcode, data = ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 0
                    print("close", code, data[2:].decode(), round(time.time() - start, 1), flush=True)
                    break
                if opcode == websocket.ABNF.OPCODE_TEXT:
                    print("event", json.loads(data)["subject"], flush=True)
            """
        return try BackgroundProcess("/usr/bin/python3", ["-c", script, token, refresh ?? "", inQuery ? "1" : "0"])
    }

    private func closeLine(_ client: BackgroundProcess, seconds: Double = 20) -> (code: Int, reason: String, after: Double)? {
        guard client.waitForOutput(containing: "close ", seconds: seconds),
              let line = client.output.split(separator: "\n").first(where: { $0.hasPrefix("close ") }) else { return nil }
        let parts = line.split(separator: " ")
        return (Int(parts[1]) ?? 0, parts.dropFirst(2).dropLast().joined(separator: " "), Double(parts.last ?? "") ?? 0)
    }

    private func postEvent(_ channel: String) throws {
        let host = try host
        let port = try host.base.port("device API")
        let posted = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "device-1@app:secret",
                                                        "-H", "Content-Type: application/json", "--data-binary", "{}", "http://127.0.0.1:\(port)/v1/\(channel)"])
        XCTAssertEqual(posted.output, "202")
    }

    func testAnExpiringTokenClosesTheWebSocket() throws {
        let host = try host
        let client = try webSocket(try host.token(sub: "reader", ["exp": "now+3"]))
        XCTAssertTrue(client.waitForOutput(containing: "open", seconds: 10), client.output)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { host.process.metric("tributary_plugin_http_websocket_consumers{instance=\"oidc-sessions\"}") == 1 })
        try postEvent("before-expiry")
        let closed = try XCTUnwrap(closeLine(client), client.output)
        XCTAssertEqual(closed.code, 1008)
        XCTAssertEqual(closed.reason, "JWT token expired")
        XCTAssertTrue(client.output.contains("event before-expiry"), client.output)
        XCTAssertGreaterThanOrEqual(host.process.metric("tributary_plugin_http_websocket_expired_total{instance=\"oidc-sessions\"}") ?? 0, 1)
    }

    func testATokenInTheQueryExpiresToo() throws {
        let client = try webSocket(try host.token(sub: "owner", ["exp": "now+2"]), inQuery: true)
        let closed = try XCTUnwrap(closeLine(client), client.output)
        XCTAssertEqual(closed.code, 1008)
    }

    func testARefreshedTokenKeepsTheWebSocketOpen() throws {
        let host = try host
        let client = try webSocket(try host.token(sub: "reader", ["exp": "now+3"]), refresh: try host.token(sub: "reader", ["exp": "now+7"]))
        XCTAssertTrue(client.waitForOutput(containing: "open", seconds: 10), client.output)
        Thread.sleep(forTimeInterval: 4.5)
        // Past the first token's expiry, the session still delivers.
        try postEvent("after-refresh")
        XCTAssertTrue(client.waitForOutput(containing: "event after-refresh", seconds: 5), client.output)
        let closed = try XCTUnwrap(closeLine(client), client.output)
        XCTAssertEqual(closed.code, 1008, "and it ends with the refreshed token")
        XCTAssertGreaterThan(closed.after, 5, client.output)
    }

    func testARefreshWithAnotherUsersTokenIsRefused() throws {
        let host = try host
        let client = try webSocket(try host.token(sub: "reader", ["exp": "now+60"]), refresh: try host.token(sub: "owner", ["exp": "now+600"]))
        let closed = try XCTUnwrap(closeLine(client), client.output)
        XCTAssertEqual(closed.code, 1008)
        XCTAssertEqual(closed.reason, "Invalid token")
        XCTAssertLessThan(closed.after, 10)
    }

    /// paho-mqtt integration client: prints `connack RC`, then `disconnect RC SECONDS`.
    private func mqtt(version: String, user: String, token: String) throws -> BackgroundProcess {
        let host = try host
        let script = """
            import sys, time
            import paho.mqtt.client as mqtt
            version, user, token = sys.argv[1], sys.argv[2], sys.argv[3]
            v5 = version == "5"
            client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5) if v5 else mqtt.Client(client_id="", clean_session=True, protocol=mqtt.MQTTv311)
            client.username_pw_set(user or None, token)
            start, done = time.time(), []
            def on_connect(c, u, flags, rc, properties=None):
                print("connack", int(getattr(rc, "value", rc)), flush=True)
            def on_disconnect(c, u, rc, properties=None):
                print("disconnect", int(getattr(rc, "value", rc)), round(time.time() - start, 1), flush=True)
                done.append(1)
            client.on_connect, client.on_disconnect = on_connect, on_disconnect
            client.connect("127.0.0.1", \(host.integrationPort), keepalive=60)
            while not done and time.time() - start < 20:
                client.loop(0.1)
            """
        return try BackgroundProcess("/usr/bin/python3", ["-c", script, version, user, token])
    }

    private func disconnectLine(_ client: BackgroundProcess) -> (code: Int, after: Double)? {
        guard client.waitForOutput(containing: "disconnect ", seconds: 20),
              let line = client.output.split(separator: "\n").first(where: { $0.hasPrefix("disconnect ") }) else { return nil }
        let parts = line.split(separator: " ")
        return (Int(parts[1]) ?? -1, Double(parts[2]) ?? 0)
    }

    /// A raw MQTT 5 client whose CONNECT carries the token as password and no user name (which
    /// paho-mqtt 1.6 cannot send): prints `connack RC`, then `disconnect RC SECONDS`.
    private func rawMQTT5(token: String) throws -> BackgroundProcess {
        let host = try host
        let script = """
            import socket, sys, time
            def varint(n):
                out = b""
                while True:
                    n, byte = n >> 7, n & 0x7F
                    out += bytes([byte | (0x80 if n else 0)])
                    if not n:
                        return out
            token = sys.argv[1].encode()
            # Protocol name, level 5, flags: password and clean start, keep-alive 60, no properties;
            # payload: an empty client id, then the password.
            body = b"\\x00\\x04MQTT\\x05\\x42\\x00\\x3c\\x00" + b"\\x00\\x00" + len(token).to_bytes(2, "big") + token
            s = socket.create_connection(("127.0.0.1", \(host.integrationPort)), timeout=20)
            s.sendall(b"\\x10" + varint(len(body)) + body)
            start, data = time.time(), b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    print("eof", round(time.time() - start, 1), flush=True)
                    break
                data += chunk
                while len(data) >= 2 and len(data) >= 2 + data[1]:
                    kind, packet, data = data[0] >> 4, data[2:2 + data[1]], data[2 + data[1]:]
                    if kind == 2:
                        print("connack", packet[1], flush=True)
                    elif kind == 14:
                        print("disconnect", packet[0], round(time.time() - start, 1), flush=True)
            """
        return try BackgroundProcess("/usr/bin/python3", ["-c", script, token])
    }

    func testAnExpiringTokenDisconnectsAnMQTT5Client() throws {
        let host = try host
        // MQTT 5 lets the token be the password alone, without a user name.
        let client = try rawMQTT5(token: try host.token(sub: "reader", ["exp": "now+3"]))
        XCTAssertTrue(client.waitForOutput(containing: "connack 0", seconds: 10), client.output)
        let disconnected = try XCTUnwrap(disconnectLine(client), client.output)
        XCTAssertEqual(disconnected.code, 0xA0, "Maximum connect time")
        XCTAssertGreaterThan(disconnected.after, 1.5)
        XCTAssertTrue(client.waitForOutput(containing: "eof", seconds: 5), "then the connection closes: \(client.output)")
        XCTAssertGreaterThanOrEqual(host.process.metric("tributary_plugin_mqtt_integration_expired_total{instance=\"mqtt\"}") ?? 0, 1)
    }

    /// paho-mqtt with a user name and the token as password.
    func testAnExpiringTokenDisconnectsAPahoMQTT5Client() throws {
        let host = try host
        let client = try mqtt(version: "5", user: "reader", token: try host.token(sub: "reader", ["exp": "now+3"]))
        XCTAssertTrue(client.waitForOutput(containing: "connack 0", seconds: 10), client.output)
        let disconnected = try XCTUnwrap(disconnectLine(client), client.output)
        XCTAssertEqual(disconnected.code, 0xA0, "Maximum connect time")
    }

    func testAnExpiringTokenClosesAnMQTT311Connection() throws {
        let host = try host
        let client = try mqtt(version: "3", user: "reader", token: try host.token(sub: "reader", ["exp": "now+3"]))
        XCTAssertTrue(client.waitForOutput(containing: "connack 0", seconds: 10), client.output)
        let disconnected = try XCTUnwrap(disconnectLine(client), client.output)
        XCTAssertNotEqual(disconnected.code, 0, "closed by the server, not by the client")
        XCTAssertGreaterThan(disconnected.after, 1.5)
    }

    func testAnInvalidTokenIsRefusedAtConnect() throws {
        let host = try host
        let v5 = try mqtt(version: "5", user: "reader", token: try host.token(sub: "reader", ["exp": "now-300"]))
        XCTAssertTrue(v5.waitForOutput(containing: "connack 134", seconds: 10), "0x86 Bad User Name or Password: \(v5.output)")
        let v3 = try mqtt(version: "3", user: "reader", token: try host.token(sub: "reader", ["aud": "other"]))
        XCTAssertTrue(v3.waitForOutput(containing: "connack 4", seconds: 10), v3.output)
    }
}
