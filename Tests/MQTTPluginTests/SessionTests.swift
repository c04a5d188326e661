import Foundation
import TestSupport
import XCTest

/// A device connection's life: packets pipelined behind CONNECT, takeover by a newer connection of
/// the same device, keep-alive expiry, connection events, and wills.
final class SessionTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MQTTTestHost?
    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? MQTTTestHost() }
    override class func tearDown() { shared = nil }

    /// A client may send packets right after CONNECT without waiting for CONNACK [MQTT-3.1.4];
    /// they are handled once authentication accepted the connection.
    func testPacketsPipelinedBehindConnect() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("pipelined")
        for version in [4, 5] {
            let result = try host.python("""
                c = Raw(DEVICE, version=\(version))
                c.send(connect(client_id="pipeliner", version=\(version), username="device-1@app", password="secret")
                       + publish("\(channel)", '{"v": \(version)}', qos=1, packet_id=1, version=\(version))
                       + subscribe(2, [("command/inbox//#", 0)], version=\(version)) + PINGREQ_BYTES)
                report(types=[c.read()["type"] for _ in range(4)])
                """)
            let types = try XCTUnwrap(result["types"] as? [Int])
            XCTAssertEqual(types.first, 2, "v\(version): CONNACK first")
            XCTAssertEqual(Set(types.dropFirst()), [4, 9, 13], "v\(version): then PUBACK (once the sink took it), SUBACK, PINGRESP")
        }
        XCTAssertEqual(host.waitForEvents(count: 2) { $0["subject"] as? String == channel }.count, 2)
    }

    /// A second connection of a device takes over: the old 5.0 client gets DISCONNECT 0x8E, a
    /// 3.1.1 one is closed; the new one keeps working.
    func testTakeover() throws {
        let result = try host.python("""
            old5 = connected(DEVICE, "device-2@app", "secret", client_id="first", version=5)
            new = connected(DEVICE, "device-2@app", "secret", client_id="second", version=5)
            closed5, seen5 = old5.closed_after(5)
            old3 = connected(DEVICE, "device-2@app", "secret", client_id="third")
            closed_new, _ = new.closed_after(5)
            closed3 = None
            newest = connected(DEVICE, "device-2@app", "secret", client_id="fourth")
            closed3, seen3 = old3.closed_after(5)
            newest.send(publish("after-takeover", "{}", qos=1, packet_id=1))
            report(seen5=[(p["type"], p.get("rc")) for p in seen5], closed5=closed5 is not None, closed_new=closed_new is not None,
                   seen3=len(seen3), closed3=closed3 is not None, newest=newest.expect(PUBACK)["rc"])
            """)
        XCTAssertEqual(result["seen5"] as? [[Int]], [[14, 0x8E]], "DISCONNECT, Session taken over")
        XCTAssertEqual(result["closed5"] as? Bool, true)
        XCTAssertEqual(result["closed_new"] as? Bool, true)
        XCTAssertEqual(result["closed3"] as? Bool, true)
        XCTAssertEqual(result.int("seen3"), 0, "3.1.1 has no DISCONNECT from the server")
        XCTAssertEqual(result.int("newest"), 0)
    }

    /// A taken-over paho-mqtt 1.6 client (a real 5.0 client, which reads a DISCONNECT's reason
    /// code only from a packet longer than two bytes) learns why: 0x8E, Session taken over.
    func testTakenOverPahoClientSeesSessionTakenOver() throws {
        let result = try host.python("""
            reasons = []
            old, rc = paho_client(DEVICE, v5=True, client_id="paho-old", username="device-1@app", password="secret")
            old.on_disconnect = lambda _client, _userdata, code, _properties=None: reasons.append(getattr(code, "value", code))
            new = connected(DEVICE, "device-1@app", "secret", client_id="paho-new", version=5)
            wait_until(lambda: reasons)
            old.loop_stop()
            new.close()
            report(connack=rc, reasons=reasons[:1])
            """)
        XCTAssertEqual(result.int("connack"), 0)
        XCTAssertEqual(result["reasons"] as? [Int], [0x8E], "paho's on_disconnect gets Session taken over")
    }

    /// Keep alive 1 s: a silent client is closed after 1.5 s (5.0: DISCONNECT 0x8D first); one
    /// that pings stays.
    func testKeepAliveExpiry() throws {
        let result = try host.python("""
            import threading
            silent3 = connected(DEVICE, "device-1@app", "secret", client_id="silent3", keepalive=1)
            silent5 = connected(DEVICE, "device-2@app", "secret", client_id="silent5", keepalive=1, version=5)
            pinger = connected(DEVICE, "u", "upass", client_id="user-device@app", keepalive=1)
            pings = []
            def ping():
                try:
                    while time.monotonic() - start < 3.5:
                        pinger.send(PINGREQ_BYTES)
                        pings.append(pinger.expect(PINGRESP)["type"])
                        time.sleep(0.5)
                except Exception as error:
                    pings.append(repr(error))
            start = time.monotonic()
            pinging = threading.Thread(target=ping)
            pinging.start()
            closed3, _ = silent3.closed_after(5)
            closed5, seen5 = silent5.closed_after(5)
            total5 = time.monotonic() - start
            pinging.join(10)
            report(closed3=closed3, closed5=total5, seen5=[(p["type"], p.get("rc")) for p in seen5], pings=pings)
            """)
        let closed3 = try XCTUnwrap(result["closed3"] as? Double, "the silent 3.1.1 client was closed")
        XCTAssertGreaterThan(closed3, 1.2)
        XCTAssertLessThan(closed3, 3.0)
        let closed5 = try XCTUnwrap(result["closed5"] as? Double)
        XCTAssertLessThan(closed5, 3.0)
        XCTAssertEqual(result["seen5"] as? [[Int]], [[14, 0x8D]], "DISCONNECT, Keep Alive timeout")
        let pings = try XCTUnwrap(result["pings"] as? [Any])
        XCTAssertGreaterThanOrEqual(pings.count, 6)
        XCTAssertTrue(pings.allSatisfy { $0 as? Int == 13 }, "a client that pings stays: \(pings)")
    }

    /// `{"connected":true}` on CONNACK and `{"connected":false}` at the end, as Drogue's
    /// connection events (type io.drogue.connection.v1, channel `connection`).
    func testConnectionEvents() throws {
        let host = try host
        let before = host.events.count
        _ = try host.python("""
            c = connected(DEVICE, "u", "upass", client_id="user-device@app")
            wait_until(lambda: any(e.get("device") == "user-device" and e.get("subject") == "connection" for e in events(EVENTS)[\(before):]))
            c.send(disconnect())
            c.closed_after(5)
            report(done=True)
            """)
        let events = host.waitForEvents(count: 2) { $0["device"] as? String == "user-device" && $0["subject"] as? String == "connection" }
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events.map { ($0["data"] as? [String: Any])?["connected"] as? Bool }, [true, false])
        XCTAssertEqual(events.first?["type"] as? String, "io.drogue.connection.v1")
        XCTAssertEqual(events.first?["datacontenttype"] as? String, "application/json")
    }

    /// The will is published (channel = will topic) when the connection ends without DISCONNECT,
    /// or with 5.0's "disconnect with will message"; not after a normal DISCONNECT.
    func testWills() throws {
        let host = try host
        let abrupt = MQTTTestHost.uniqueChannel("will-abrupt")
        let normal = MQTTTestHost.uniqueChannel("will-normal")
        let asked = MQTTTestHost.uniqueChannel("will-asked")
        let killed = MQTTTestHost.uniqueChannel("will-killed")
        _ = try host.python("""
            a = connected(DEVICE, "device-1@app", "secret", client_id="a", will=("\(abrupt)", '{"gone": "abrupt"}'))
            a.close()
            b = connected(DEVICE, "device-2@app", "secret", client_id="b", will=("\(normal)", '{"gone": "normal"}'))
            b.send(disconnect())
            b.closed_after(5)
            c = connected(DEVICE, "u", "upass", client_id="user-device@app", version=5, will=("\(asked)", '{"gone": "asked"}'))
            c.send(disconnect(5, reason=0x04))
            c.closed_after(5)
            report(done=True)
            """)
        // mosquitto_sub killed with SIGKILL: the kernel closes its socket, no DISCONNECT.
        let sub = try host.mosquittoSub(["-u", "gw@app", "-P", "gwpass", "-t", "command/inbox//#", "--will-topic", killed,
                                         "--will-payload", "{\"gone\":\"killed\"}"], port: host.devicePort)
        XCTAssertFalse(host.waitForEvents(seconds: 5) { $0["device"] as? String == "gw" && $0["subject"] as? String == "connection" }.isEmpty)
        sub.signal(SIGKILL)
        for channel in [abrupt, asked, killed] {
            let will = host.waitForEvents { $0["subject"] as? String == channel }
            XCTAssertEqual(will.count, 1, channel)
        }
        // The normal DISCONNECT's connection event is recorded by now; its will never comes.
        XCTAssertFalse(host.waitForEvents { $0["device"] as? String == "device-2" && ($0["data"] as? [String: Any])?["connected"] as? Bool == false }.isEmpty)
        XCTAssertEqual(host.events(channel: normal).count, 0, "no will after a normal DISCONNECT")
        let killedWill = host.events(channel: killed).first
        XCTAssertEqual(killedWill?["device"] as? String, "gw")
        XCTAssertEqual((killedWill?["data"] as? [String: Any])?["gone"] as? String, "killed")
    }
}
