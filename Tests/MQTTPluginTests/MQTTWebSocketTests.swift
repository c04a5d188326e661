import Foundation
import TestSupport
import XCTest

/// MQTT over WebSocket (`Sec-WebSocket-Protocol: mqtt`) on the device and integration ports, plain
/// and TLS: the same sessions as TCP, driven by paho-mqtt's websockets transport and by a raw
/// browser-style client that splits and packs packets across frames.
final class MQTTWebSocketTests: XCTestCase {
    nonisolated(unsafe) private static var shared: (host: MQTTTestHost, ports: [String: Int])?

    override class func setUp() {
        guard let host = try? MQTTTestHost(mqtt: """
            device_ws_address = "127.0.0.1:0"
            integration_ws_address = "127.0.0.1:0"
            device_wss_address = "127.0.0.1:0"
            integration_wss_address = "127.0.0.1:0"
            """) else { return }
        var ports: [String: Int] = [:]
        for label in ["devices (WebSocket)", "integration (WebSocket)", "devices (WebSocket) (TLS)", "integration (WebSocket) (TLS)"] {
            ports[label] = try? host.base.port(label)
        }
        shared = (host, ports)
    }

    override class func tearDown() { shared = nil }

    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared?.host, "the MQTT test host did not start") } }

    private func port(_ label: String) throws -> Int { try XCTUnwrap(Self.shared?.ports[label], "no listener '\(label)'") }

    private func python(_ script: String, _ arguments: [String]) throws -> String {
        try Fixtures.run("/usr/bin/python3", ["-c", script] + arguments).output
    }

    /// paho-mqtt over websockets: CONNECT, a QoS 1 PUBLISH answered by PUBACK, DISCONNECT.
    private static let pahoPublish = """
        import sys, time, ssl
        import paho.mqtt.client as mqtt
        port, version, ca, payload = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        certificate, key = (sys.argv[5], sys.argv[6]) if len(sys.argv) > 6 else (None, None)
        protocol = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
        client = mqtt.Client(client_id="" if certificate else "device-1", protocol=protocol, transport="websockets")
        client.ws_set_options(path="/mqtt")
        if ca:
            client.tls_set(ca_certs=ca, certfile=certificate, keyfile=key)
        if not certificate:
            client.username_pw_set("device-1@app", "secret")
        acked = []
        client.on_publish = lambda c, u, mid: acked.append(mid)
        client.connect("localhost", port, keepalive=30)
        client.loop_start()
        deadline = time.time() + 10
        while not client.is_connected() and time.time() < deadline:
            time.sleep(0.01)
        info = client.publish("telemetry", payload, qos=1)
        while not acked and time.time() < deadline:
            time.sleep(0.01)
        client.disconnect()
        client.loop_stop()
        print("puback" if acked else "no puback")
        """

    func testPahoPublishesOverWebSocketWithBothVersionsPlainAndTLS() throws {
        let host = try host
        for (label, ca) in [("devices (WebSocket)", ""), ("devices (WebSocket) (TLS)", host.ca.certificatePath)] {
            for version in ["3", "5"] {
                let tag = (label.hasSuffix("(TLS)") ? "wss" : "ws") + version
                let output = try python(Self.pahoPublish, [String(try port(label)), version, ca, "{\"ws\":\"\(tag)\"}"])
                XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "puback", "\(label) v\(version): \(output)")
                XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { host.events.contains { ($0["data"] as? [String: Any])?["ws"] as? String == tag } },
                              "\(label) v\(version): the event reached the sink")
            }
        }
    }

    /// Over wss a device may authenticate with its client certificate, as over TLS.
    func testAClientCertificateAuthenticatesOverSecureWebSocket() throws {
        let host = try host
        let output = try python(Self.pahoPublish, [String(try port("devices (WebSocket) (TLS)")), "5", host.ca.certificatePath, "{\"ws\":\"cert\"}",
                                                   host.deviceCertificate.certificatePath, host.deviceCertificate.keyPath])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "puback", output)
        let event = host.waitForEvents { ($0["data"] as? [String: Any])?["ws"] as? String == "cert" }.first
        XCTAssertEqual(event?["device"] as? String, "CN=cert-device,O=Example")
    }

    /// The integration over WebSocket: a paho subscriber receives a device's event.
    func testTheIntegrationDeliversOverWebSocket() throws {
        let host = try host
        let subscriber = """
            import sys, time, json
            import paho.mqtt.client as mqtt
            port, ca = int(sys.argv[1]), sys.argv[2]
            client = mqtt.Client(client_id="", protocol=mqtt.MQTTv5, transport="websockets")
            if ca:
                client.tls_set(ca_certs=ca)
            client.username_pw_set("reader", "reader-key")
            got = []
            client.on_message = lambda c, u, m: got.append(json.loads(m.payload)["subject"])
            client.on_subscribe = lambda *a: print("subscribed", flush=True)
            client.on_connect = lambda c, u, f, rc, p=None: c.subscribe("app/app", qos=1)
            client.connect("localhost", port, keepalive=30)
            deadline = time.time() + 15
            while "over-ws" not in got and time.time() < deadline:
                client.loop(0.05)
            print("received" if "over-ws" in got else "nothing", flush=True)
            """
        for (label, ca) in [("integration (WebSocket)", ""), ("integration (WebSocket) (TLS)", host.ca.certificatePath)] {
            let process = try BackgroundProcess("/usr/bin/python3", ["-c", subscriber, String(try port(label)), ca])
            XCTAssertTrue(process.waitForOutput(containing: "subscribed", seconds: 10), process.output)
            let posted = try Fixtures.run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", String(host.devicePort), "-u", "device-1@app",
                                                                     "-P", "secret", "-i", "device-1", "-t", "over-ws", "-m", "{}"])
            XCTAssertEqual(posted.status, 0, posted.output)
            XCTAssertTrue(process.waitForOutput(containing: "received", seconds: 15), "\(label): \(process.output)")
        }
    }

    /// A browser-style client: CONNECT split over two frames, then PUBLISH (QoS 1) and PINGREQ
    /// packed into one frame; the answers come back as binary frames.
    func testPacketsSplitAcrossFramesAndPackedIntoOne() throws {
        let script = """
            import base64, os, socket, struct, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
            key = base64.b64encode(os.urandom(16)).decode()
            s.sendall(("GET /mqtt HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                       "Sec-WebSocket-Key: " + key + "\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Protocol: mqtt\\r\\n\\r\\n").encode())
            head = b""
            while b"\\r\\n\\r\\n" not in head:
                head += s.recv(1)
            print(head.split(b"\\r\\n")[0].decode(), "mqtt" in head.decode().lower())
            def frame(payload, opcode=2):
                mask = os.urandom(4)
                masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
                return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked
            def string(text):
                return struct.pack(">H", len(text)) + text.encode()
            body = string("MQTT") + bytes([4, 0xC2]) + struct.pack(">H", 30) + string("device-1") + string("device-1@app") + string("secret")
            connect = bytes([0x10, len(body)]) + body
            s.sendall(frame(connect[:7]) + frame(connect[7:]))
            publish_body = string("telemetry") + struct.pack(">H", 7) + b'{"packed":1}'
            s.sendall(frame(bytes([0x32, len(publish_body)]) + publish_body + bytes([0xC0, 0])))
            data = b""
            while len(data) < 12:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            packets = []
            while len(data) >= 2:
                length = data[1]
                payload, data = data[2:2 + length], data[2 + length:]
                assert data is not None
                packets.append(payload[0] >> 4)
                rest = payload[2 + payload[1]:]
                while len(rest) >= 2:
                    packets.append(rest[0] >> 4)
                    rest = rest[2 + rest[1]:]
            print("packets", packets)
            """
        let output = try python(script, [String(try port("devices (WebSocket)"))])
        XCTAssertTrue(output.contains("HTTP/1.1 101 Switching Protocols True"), output)
        // CONNACK (2) first; then PINGRESP (13) and the PUBACK (4), which waits for the sink.
        XCTAssertTrue(output.contains("packets [2, 4, 13]") || output.contains("packets [2, 13, 4]"), output)
    }

    /// Another subprotocol is refused at the upgrade: 400, and no MQTT session starts.
    func testAnotherSubprotocolIsRefusedAtTheUpgrade() throws {
        let script = """
            import base64, os, socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
            key = base64.b64encode(os.urandom(16)).decode()
            s.sendall(("GET /mqtt HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                       "Sec-WebSocket-Key: " + key + "\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Protocol: chat\\r\\n\\r\\n").encode())
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            print(data.split(b"\\r\\n")[0].decode(), "closed")
            """
        let host = try host
        let connections = host.host.metric("tributary_plugin_mqtt_device_connections{instance=\"mqtt\"}") ?? 0
        let output = try python(script, [String(try port("devices (WebSocket)"))])
        XCTAssertTrue(output.contains("HTTP/1.1 400 Bad Request closed"), output)
        XCTAssertEqual(host.host.metric("tributary_plugin_mqtt_device_connections{instance=\"mqtt\"}") ?? 0, connections)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { host.host.output.contains("WebSocket subprotocol 'chat' is not mqtt") }, host.host.output)
    }
}
