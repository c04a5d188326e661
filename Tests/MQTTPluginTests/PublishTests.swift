import Foundation
import TestSupport
import XCTest

/// Device PUBLISH: QoS 0, 1 and 2 in both versions, acknowledgement order, the event each makes,
/// refusals (invalid JSON, invalid topic), and gateways publishing for other devices.
final class PublishTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MQTTTestHost?
    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? MQTTTestHost() }
    override class func tearDown() { shared = nil }

    /// mosquitto_pub at QoS 0, 1 and 2, 3.1.1 and 5.0, plain and TLS: each message recorded once.
    func testQoS012WithMosquitto() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("qos")
        var expected: Set<String> = []
        for (transport, port, tls) in [("plain", host.devicePort, [String]()), ("tls", host.deviceTLSPort, host.tlsArguments())] {
            for version in ["mqttv311", "mqttv5"] {
                for qos in 0...2 {
                    let label = "\(transport)/\(version)/\(qos)"
                    expected.insert(label)
                    let result = try host.mosquittoPub(["-V", version, "-q", "\(qos)", "-u", "device-1@app", "-P", "secret",
                                                        "-t", channel, "-m", "{\"label\":\"\(label)\"}"] + tls, port: port)
                    XCTAssertEqual(result.status, 0, "\(label): \(result.output)")
                }
            }
        }
        let events = host.waitForEvents(count: expected.count) { $0["subject"] as? String == channel }
        XCTAssertEqual(events.count, expected.count, "each publish exactly once")
        XCTAssertEqual(Set(events.compactMap { ($0["data"] as? [String: Any])?["label"] as? String }), expected)
    }

    /// The event a publish becomes: Drogue's attributes; a v5 content type passes through.
    func testEventShape() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("shape")
        _ = try host.python("""
            c = connected(DEVICE, "device-1@app", "secret", version=5)
            c.send(publish("\(channel)", '{"temp": 21.5}', qos=1, packet_id=1, version=5))
            c.send(publish("\(channel)", 'plain words', qos=1, packet_id=2, version=5, props=[content_type("text/plain")]))
            c.send(publish("\(channel)", b'\\x00\\x01', qos=1, packet_id=3, version=5))
            report(acks=[c.expect(PUBACK)["rc"] for _ in range(3)])
            """)
        let events = host.waitForEvents(count: 3) { $0["subject"] as? String == channel }
        XCTAssertEqual(events.count, 3)
        let json = try XCTUnwrap(events.first { $0["datacontenttype"] as? String == "application/json" })
        XCTAssertEqual(json["specversion"] as? String, "1.0")
        XCTAssertEqual(json["type"] as? String, "io.drogue.event.v1")
        XCTAssertEqual(json["source"] as? String, "drogue://app/device%2D1")
        XCTAssertEqual(json["device"] as? String, "device-1")
        XCTAssertEqual(json["sender"] as? String, "device-1")
        XCTAssertEqual(json["partitionkey"] as? String, "app/device%2D1")
        XCTAssertEqual((json["data"] as? [String: Any])?["temp"] as? Double, 21.5)
        XCTAssertTrue(events.contains { $0["datacontenttype"] as? String == "text/plain" && $0["data"] as? String == "plain words" })
        XCTAssertTrue(events.contains { $0["datacontenttype"] as? String == "application/octet-stream" && $0["data_base64"] as? String == "AAE=" })
    }

    /// A QoS 2 PUBLISH resent (DUP) before PUBREL is answered with PUBREC again and published
    /// once; PUBREL completes it; an unknown PUBREL gets PUBCOMP 0x92 (5.0).
    func testQoS2ResentBeforePubRelIsPublishedOnce() throws {
        let host = try host
        for version in [4, 5] {
            let channel = MQTTTestHost.uniqueChannel("exactly-once")
            let result = try host.python("""
                c = connected(DEVICE, "device-1@app", "secret", version=\(version))
                c.send(publish("\(channel)", '"once"', qos=2, packet_id=7, version=\(version)))
                first = c.expect(PUBREC)
                c.send(publish("\(channel)", '"once"', qos=2, packet_id=7, dup=True, version=\(version)))
                second = c.expect(PUBREC)
                c.send(ack(PUBREL, 7))
                comp = c.expect(PUBCOMP)
                c.send(ack(PUBREL, 99))
                unknown = c.expect(PUBCOMP)
                # After PUBCOMP the identifier is free again: a new message with it is a new publish.
                c.send(publish("\(channel)", '"again"', qos=2, packet_id=7, version=\(version)))
                third = c.expect(PUBREC)
                c.send(ack(PUBREL, 7))
                c.expect(PUBCOMP)
                report(ids=[first["id"], second["id"], comp["id"], third["id"]], codes=[first["rc"], comp["rc"]], unknown=unknown["rc"])
                """)
            XCTAssertEqual(result["ids"] as? [Int], [7, 7, 7, 7])
            XCTAssertEqual(result["codes"] as? [Int], [0, 0])
            XCTAssertEqual(result.int("unknown"), version == 5 ? 0x92 : 0)
            // Every PUBLISH reached the host before its PUBREC; once each publish has ended, a
            // duplicate would be recorded.
            XCTAssertTrue(host.base.waitUntilEveryPublishEnded(), host.host.output)
            let payloads = host.waitForEvents(count: 2) { $0["subject"] as? String == channel }.compactMap { $0["data"] as? String }
            XCTAssertEqual(payloads.sorted(), ["again", "once"], "v\(version): the resent PUBLISH was not published twice")
        }
    }

    /// PUBACKs leave in the order the PUBLISH packets arrived [MQTT-4.6.0-2], for a burst sent in
    /// one write.
    func testAcknowledgementsKeepArrivalOrder() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("order")
        let result = try host.python("""
            c = connected(DEVICE, "device-1@app", "secret")
            c.send(b"".join(publish("\(channel)", '{"n": %d}' % n, qos=1, packet_id=n + 1) for n in range(50)))
            report(ids=[c.expect(PUBACK)["id"] for _ in range(50)])
            """)
        XCTAssertEqual(result["ids"] as? [Int], Array(1...50))
        XCTAssertEqual(host.waitForEvents(count: 50) { $0["subject"] as? String == channel }.count, 50)
    }

    /// 5.0 gets a negative PUBACK (0x80 for a JSON body that is not JSON, 0x90 for a topic Drogue's
    /// dialect refuses); 3.1.1 has none, so the connection closes.
    func testRefusedPublishes() throws {
        let host = try host
        let result = try host.python("""
            c = connected(DEVICE, "device-1@app", "secret", version=5)
            c.send(publish("telemetry", "{not json", qos=1, packet_id=1, version=5, props=[content_type("application/json")]))
            not_json = c.expect(PUBACK)["rc"]
            c.send(publish("a/b/c", "x", qos=1, packet_id=2, version=5))
            topic = c.expect(PUBACK)["rc"]
            c.send(PINGREQ_BYTES)
            alive = c.expect(PINGRESP)["type"] == PINGRESP
            v3 = connected(DEVICE, "device-1@app", "secret")
            v3.send(publish("a/b/c", "x", qos=1, packet_id=1))
            closed, seen = v3.closed_after(5)
            report(not_json=not_json, topic=topic, alive=alive, v3_closed=closed is not None, v3_seen=len(seen))
            """)
        XCTAssertEqual(result.int("not_json"), 0x80)
        XCTAssertEqual(result.int("topic"), 0x90)
        XCTAssertEqual(result["alive"] as? Bool, true, "a refused publish does not end a 5.0 connection")
        XCTAssertEqual(result["v3_closed"] as? Bool, true)
        XCTAssertEqual(result.int("v3_seen"), 0, "no PUBACK for what was not taken")
    }

    /// A gateway publishes `channel/device` for a device whose gatewaySelector names it; for any
    /// other device it gets 0x87 (5.0) or is disconnected (3.1.1).
    func testGatewayPublishing() throws {
        let host = try host
        let allowed = MQTTTestHost.uniqueChannel("gateway")
        let refused = MQTTTestHost.uniqueChannel("gateway-refused")
        let mosquitto = try host.mosquittoPub(["-q", "1", "-u", "gw@app", "-P", "gwpass", "-t", "\(allowed)/sensor", "-m", "{\"via\":\"mosquitto\"}"])
        XCTAssertEqual(mosquitto.status, 0, mosquitto.output)
        let result = try host.python("""
            gw = connected(DEVICE, "gw@app", "gwpass", version=5)
            gw.send(publish("\(allowed)/sensor", '{"via":"raw"}', qos=1, packet_id=1, version=5))
            gw.send(publish("\(refused)/lonely", "x", qos=1, packet_id=2, version=5))
            gw.send(publish("\(allowed)/gw", '{"via":"itself"}', qos=1, packet_id=3, version=5))
            codes = [gw.expect(PUBACK)["rc"] for _ in range(3)]
            other = connected(DEVICE, "device-1@app", "secret", version=5)
            other.send(publish("\(refused)/sensor", "x", qos=1, packet_id=1, version=5))
            not_gateway = other.expect(PUBACK)["rc"]
            v3 = connected(DEVICE, "gw@app", "gwpass", client_id="gw-v3")
            v3.send(publish("\(refused)/lonely", "x", qos=1, packet_id=1))
            closed, seen = v3.closed_after(5)
            report(codes=codes, not_gateway=not_gateway, v3_closed=closed is not None, v3_seen=len(seen))
            """)
        XCTAssertEqual(result["codes"] as? [Int], [0, 0x87, 0])
        XCTAssertEqual(result.int("not_gateway"), 0x87, "a device the selector does not name")
        XCTAssertEqual(result["v3_closed"] as? Bool, true)
        XCTAssertEqual(result.int("v3_seen"), 0)
        let events = host.waitForEvents(count: 3) { $0["subject"] as? String == allowed }
        XCTAssertEqual(events.filter { $0["device"] as? String == "sensor" && $0["sender"] as? String == "gw" }.count, 2, "\(events)")
        XCTAssertEqual(events.filter { $0["device"] as? String == "gw" }.count, 1)
        XCTAssertEqual(host.events(channel: refused).count, 0)
    }

    /// Flow control: 3.1.1 has no Receive Maximum, so a burst beyond it is held back (TCP pushes
    /// back) and every publish acknowledged; a 5.0 client that ignores the announced 100 is
    /// disconnected with 0x93.
    func testReceiveMaximum() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("burst")
        let result = try host.python("""
            burst = lambda version: b"".join(publish("\(channel)", '{"n": %d}' % n, qos=1, packet_id=n + 1, version=version) for n in range(300))
            v3 = connected(DEVICE, "device-1@app", "secret")
            v3.send(burst(4))
            ids = [v3.expect(PUBACK)["id"] for _ in range(300)]
            v5 = connected(DEVICE, "device-2@app", "secret", version=5)
            v5.send(burst(5))
            closed, seen = v5.closed_after(5)
            report(ids=ids, v5_closed=closed is not None, v5_last=[seen[-1]["type"], seen[-1]["rc"]] if seen else None)
            """)
        XCTAssertEqual(result["ids"] as? [Int], Array(1...300))
        XCTAssertEqual(result["v5_closed"] as? Bool, true)
        XCTAssertEqual(result["v5_last"] as? [Int], [14, 0x93], "DISCONNECT, Receive Maximum exceeded")
        XCTAssertEqual(host.waitForEvents(count: 300) { $0["subject"] as? String == channel && $0["device"] as? String == "device-1" }.count, 300)
    }
}
