import Foundation
import TestSupport
import XCTest

/// Broken and hostile clients: each malformed packet closes its own connection (after the reply
/// the protocol gives, if any) while a client connected before keeps publishing.
final class MalformedPacketTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MQTTTestHost?
    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? MQTTTestHost(mqtt: "max_packet_size = 65536\nconnect_timeout_ms = 500") }
    override class func tearDown() { shared = nil }

    /// Each case: the bytes sent on a fresh connection (after a good CONNECT when `connect` names
    /// the version), what must come back before the close, on which endpoint.
    func testMalformedPacketsCloseOnlyTheirConnection() throws {
        let result = try host.python("""
            good3 = connect("malformed", version=4, username="device-2@app", password="secret")
            good5 = connect("malformed", version=5, username="device-2@app", password="secret")
            integration5 = connect("malformed", version=5, username="reader", password="reader-key")
            cases = [
                # (label, port, bytes before, bytes, expected packets [(type, rc)])
                ("truncated CONNECT (client id runs past the end)", DEVICE, b"",
                 packet(0x10, string("MQTT") + bytes([4, 2, 0, 60]) + b"\\x00\\x10ab"), []),
                ("truncated PUBLISH (topic runs past the end), 5.0", DEVICE, good5, packet(0x32, b"\\x00\\x20abc"), [(14, 0x81)]),
                ("connection ends inside a packet", DEVICE, good3, b"\\x30\\x10abc", []),
                ("bad remaining length (five bytes)", DEVICE, b"", b"\\x10\\xff\\xff\\xff\\xff\\x7f", []),
                ("bad remaining length after CONNECT, 5.0", DEVICE, good5, b"\\x30\\xff\\xff\\xff\\xff\\x01", [(14, 0x81)]),
                ("PINGREQ with a body", DEVICE, good3, b"\\xc0\\x01\\x00", []),
                ("invalid UTF-8 topic, 3.1.1", DEVICE, good3, publish(b"\\xc3\\x28", "x"), []),
                ("invalid UTF-8 topic, 5.0", DEVICE, good5, publish(b"\\xc3\\x28", "x", version=5), [(14, 0x81)]),
                ("U+0000 in the client id", DEVICE, b"", connect("a\\x00b", username="device-2@app", password="secret"), []),
                ("invalid UTF-8 user name, 5.0", DEVICE, b"", connect("x", version=5, username=b"\\xff\\xfe@app", password="secret"), [(2, 0x81)]),
                ("oversized PUBLISH, 5.0", DEVICE, good5, b"\\x30\\x80\\x80\\x10", [(14, 0x95)]),
                ("oversized PUBLISH, 3.1.1", DEVICE, good3, b"\\x30\\x80\\x80\\x10", []),
                ("oversized CONNECT, 5.0", DEVICE, b"", b"\\x10\\x80\\x80\\x10" + string("MQTT") + bytes([5]), []),
                ("PUBLISH before CONNECT", DEVICE, b"", publish("telemetry", "x"), []),
                ("SUBSCRIBE before CONNECT", DEVICE, b"", subscribe(1, [("command/inbox//#", 0)]), []),
                ("second CONNECT, 5.0", DEVICE, good5, good5, [(14, 0x82)]),
                ("reserved packet type 0", DEVICE, good3, b"\\x00\\x00", []),
                ("QoS 3 PUBLISH, 5.0", DEVICE, good5, b"\\x36\\x05\\x00\\x01t\\x00\\x01", [(14, 0x81)]),
                ("packet identifier 0, 5.0", DEVICE, good5, publish("t", "x", qos=1, packet_id=0, version=5), [(14, 0x82)]),
                ("CONNECT with the reserved flag", DEVICE, b"", packet(0x10, string("MQTT") + bytes([4, 3, 0, 60]) + string("x")), []),
                ("unknown protocol level 6", DEVICE, b"", packet(0x10, string("MQTT") + bytes([6, 2, 0, 60]) + string("x")), [(2, 1)]),
                ("wildcard in a PUBLISH topic, 5.0", DEVICE, good5, publish("telemetry/#", "x", version=5), [(14, 0x90)]),
                ("integration: PUBLISH before CONNECT", INTEGRATION, b"", publish("command/app/d/c", "x"), []),
                ("integration: invalid UTF-8 filter, 5.0", INTEGRATION, integration5, subscribe(1, [(b"app/\\xff", 0)], version=5), [(14, 0x81)]),
            ]
            witness = connected(DEVICE, "device-1@app", "secret", client_id="witness", version=5)
            out = {}
            for n, (label, port, before, data, expected) in enumerate(cases):
                c = Raw(port, version=5 if b"MQTT\\x05" in before + data[:20] else 4)
                if before:
                    c.send(before)
                    assert c.expect(CONNACK)["rc"] == 0, label
                c.send(data)
                if label == "connection ends inside a packet":
                    c.sock.shutdown(1)
                closed, seen = c.closed_after(5)
                witness.send(publish("witness", '{"case": %d}' % n, qos=1, packet_id=n + 1, version=5))
                out[label] = dict(closed=closed is not None, seen=[[p["type"], p.get("rc")] for p in seen], expected=expected,
                                  witness=witness.expect(PUBACK)["rc"])
            report(**out)
            """, seconds: 60)
        XCTAssertEqual(result.count, 24)
        for (label, value) in result.sorted(by: { $0.key < $1.key }) {
            let outcome = try XCTUnwrap(value as? [String: Any], label)
            XCTAssertEqual(outcome["closed"] as? Bool, true, "\(label): closed")
            XCTAssertEqual(outcome["seen"] as? [[Int]], outcome["expected"] as? [[Int]], "\(label): what came before the close")
            XCTAssertEqual(outcome.int("witness"), 0, "\(label): the other client keeps publishing")
        }
    }

    /// A connection that never completes its CONNECT is closed at `connect_timeout_ms` (500 ms
    /// here); meanwhile the others are served.
    func testConnectTimeout() throws {
        let result = try host.python("""
            silent = [Raw(DEVICE) for _ in range(20)]
            half = Raw(DEVICE)
            half.send(connect("half", username="device-1@app", password="secret")[:7])
            c = connected(DEVICE, "device-2@app", "secret", client_id="served")
            c.send(publish("timeout-check", "{}", qos=1, packet_id=1))
            ack = c.expect(PUBACK)["rc"]
            closed = [r.closed_after(3)[0] for r in silent + [half]]
            report(ack=ack, closed=closed)
            """)
        XCTAssertEqual(result.int("ack"), 0)
        let closed = try XCTUnwrap(result["closed"] as? [Double?])
        XCTAssertEqual(closed.count, 21)
        XCTAssertTrue(closed.allSatisfy { $0 != nil && $0! < 2.5 }, "\(closed)")
    }
}
