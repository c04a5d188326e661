import Foundation
import TestSupport
import XCTest

/// Acknowledgements follow the sinks: a PUBACK waits for a slow sink to complete, and a busy sink
/// makes a 5.0 PUBACK 0x97 or closes a 3.1.1 connection (which has no negative acknowledgement).
final class BackPressureTests: XCTestCase {
    /// Ordering only, no speed assertions: when the PUBACK (or PUBREC) arrives, the sink has
    /// already written the event, and it had not when the PUBLISH went out. Meanwhile the
    /// connection keeps serving (PINGREQ is answered before the PUBACK).
    func testPubAckWaitsForASlowSink() throws {
        let host = try MQTTTestHost(sink: "delay_ms = 1000")
        for (version, qos) in [(4, 1), (5, 1), (5, 2)] {
            let channel = MQTTTestHost.uniqueChannel("slow")
            let result = try host.python("""
                def recorded():
                    return sum(1 for e in events(EVENTS) if e.get("subject") == "\(channel)")
                c = connected(DEVICE, "device-1@app", "secret", version=\(version))
                c.send(publish("\(channel)", '{"slow": true}', qos=\(qos), packet_id=1, version=\(version)))
                at_publish = recorded()
                c.send(PINGREQ_BYTES)
                first = c.read(10)
                ack = c.read(10)
                report(at_publish=at_publish, first=first["type"], ack=ack["type"], rc=ack.get("rc"), at_ack=recorded())
                """)
            let label = "v\(version) QoS \(qos)"
            XCTAssertEqual(result.int("at_publish"), 0, label)
            XCTAssertEqual(result.int("first"), 13, "\(label): PINGRESP first, the publish still pending")
            XCTAssertEqual(result.int("ack"), qos == 1 ? 4 : 5, label)
            XCTAssertEqual(result.int("rc"), 0, label)
            XCTAssertEqual(result.int("at_ack"), 1, "\(label): acknowledged only after the sink recorded it")
        }
    }

    func testBusySinkRefusesWith0x97OrCloses() throws {
        let host = try MQTTTestHost(sink: "outcome = \"busy\"")
        let result = try host.python("""
            v5 = connected(DEVICE, "device-1@app", "secret", version=5)
            v5.send(publish("busy", '{"n": 1}', qos=1, packet_id=1, version=5))
            puback = v5.expect(PUBACK)["rc"]
            v5.send(publish("busy", '{"n": 2}', qos=2, packet_id=2, version=5))
            pubrec = v5.expect(PUBREC)["rc"]
            v5.send(PINGREQ_BYTES)
            alive = v5.expect(PINGRESP)["type"]
            v3 = connected(DEVICE, "device-2@app", "secret")
            v3.send(publish("busy", '{"n": 3}'))
            v3.send(PINGREQ_BYTES)
            qos0_alive = v3.expect(PINGRESP)["type"]
            v3.send(publish("busy", '{"n": 4}', qos=1, packet_id=1))
            closed, seen = v3.closed_after(5)
            report(puback=puback, pubrec=pubrec, alive=alive, qos0_alive=qos0_alive, v3_closed=closed is not None, v3_seen=len(seen))
            """)
        XCTAssertEqual(result.int("puback"), 0x97)
        XCTAssertEqual(result.int("pubrec"), 0x97)
        XCTAssertEqual(result.int("alive"), 13, "the 5.0 connection stays")
        XCTAssertEqual(result.int("qos0_alive"), 13, "QoS 0 is fire-and-forget: nothing to refuse")
        XCTAssertEqual(result["v3_closed"] as? Bool, true, "3.1.1 has no negative PUBACK: the connection closes")
        XCTAssertEqual(result.int("v3_seen"), 0)
        XCTAssertEqual(host.events.count, 0, "nothing was taken")
        let mosquitto = try host.mosquittoPub(["-q", "1", "-u", "device-1@app", "-P", "secret", "-t", "busy", "-m", "{}"])
        XCTAssertNotEqual(mosquitto.status, 0, "mosquitto_pub sees its connection end: \(mosquitto.output)")
    }
}
