import Foundation
import TestSupport
import XCTest

/// Commands: an application publishes `command/{app}/{device}/{command}` on the integration; a
/// device subscribed with one of Drogue's filters gets it on `command/inbox/...`, at QoS 0, raw.
final class CommandTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MQTTTestHost?
    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? MQTTTestHost() }
    override class func tearDown() { shared = nil }

    /// Every filter form, both versions: where the command arrives, and what the sender learns.
    func testRoundTripForEachFilterForm() throws {
        let result = try host.python("""
            app = connected(INTEGRATION, "owner", "owner-key", client_id="commander", version=5)
            forms = [("command/inbox//#", "command/inbox//set-led"), ("command/inbox/#", "command/inbox//set-led"),
                     ("command/inbox/+/#", "command/inbox//set-led"), ("command/inbox/device-1/#", "command/inbox/device-1/set-led")]
            seen, n = {}, 0
            for version in (4, 5):
                for topic_filter, expected in forms:
                    n += 1
                    d = connected(DEVICE, "device-1@app", "secret", client_id="d-%d" % n, version=version)
                    d.send(subscribe(1, [(topic_filter, 1)], version=version))
                    granted = d.expect(SUBACK)["codes"]
                    app.send(publish("command/app/device-1/set-led", '{"led":"on"}', qos=1, packet_id=n, version=5))
                    sent = app.expect(PUBACK)["rc"]
                    got = d.expect(PUBLISH)
                    d.send(unsubscribe(2, [topic_filter], version=version))
                    unsubscribed = d.expect(UNSUBACK)
                    app.send(publish("command/app/device-1/set-led", "{}", qos=1, packet_id=100 + n, version=5))
                    after = app.expect(PUBACK)["rc"]
                    seen["%s v%d" % (topic_filter, version)] = dict(granted=granted, sent=sent, topic=got["topic"], expected=expected,
                        payload=got["payload"].decode(), qos=got["qos"], after=after)
                    d.close()
            report(seen=seen)
            """)
        let seen = try XCTUnwrap(result["seen"] as? [String: [String: Any]])
        XCTAssertEqual(seen.count, 8)
        for (label, outcome) in seen {
            XCTAssertEqual(outcome["granted"] as? [Int], [0], "\(label): granted QoS 0")
            XCTAssertEqual(outcome.int("sent"), 0, "\(label): the sender learns a route took it")
            XCTAssertEqual(outcome["topic"] as? String, outcome["expected"] as? String, label)
            XCTAssertEqual(outcome["payload"] as? String, "{\"led\":\"on\"}", label)
            XCTAssertEqual(outcome.int("qos"), 0, label)
            XCTAssertEqual(outcome.int("after"), 0x10, "\(label): after UNSUBSCRIBE no route (No matching subscribers)")
        }
    }

    /// mosquitto_sub as the device and mosquitto_pub as the application (3.1.1, QoS 1 and 2).
    func testRoundTripWithMosquitto() throws {
        let host = try host
        for qos in [1, 2] {
            let device = try host.mosquittoSub(["-u", "device-2@app", "-P", "secret", "-t", "command/inbox//#", "-C", "1", "-v"],
                                               port: host.devicePort)
            // The route exists once mosquitto_sub has subscribed: send until the command is taken.
            let deadline = Date().addingTimeInterval(5)
            repeat {
                let sent = try host.mosquittoPub(["-u", "owner", "-P", "owner-key", "-q", "\(qos)", "-t", "command/app/device-2/reboot",
                                                  "-m", "now-\(qos)"], port: host.integrationPort)
                XCTAssertEqual(sent.status, 0, "QoS \(qos): \(sent.output)")
                if device.waitForOutput(containing: "now-\(qos)", seconds: 0.2) { break }
            } while Date() < deadline
            XCTAssertEqual(device.wait(seconds: 5).output.trimmingCharacters(in: .whitespacesAndNewlines), "command/inbox//reboot now-\(qos)")
        }
    }

    /// A gateway receives for the devices that name it: by name (`command/inbox/{device}/#`,
    /// authorized at SUBSCRIBE), and through `command/inbox/#` for the devices it has acted for.
    func testGatewayReceivesForItsDevices() throws {
        let result = try host.python("""
            app = connected(INTEGRATION, "owner", "owner-key", client_id="commander", version=5)
            def command(device, name, pid):
                app.send(publish("command/app/%s/%s" % (device, name), name, qos=1, packet_id=pid, version=5))
                return app.expect(PUBACK)["rc"]
            gw = connected(DEVICE, "gw@app", "gwpass", version=5)
            gw.send(subscribe(1, [("command/inbox/sensor/#", 0), ("command/inbox/lonely/#", 0)], version=5))
            by_name = gw.expect(SUBACK)["codes"]
            sensor = command("sensor", "open", 1)
            got_sensor = gw.expect(PUBLISH)["topic"]
            lonely = command("lonely", "open", 2)
            gw.close()
            gw = connected(DEVICE, "gw@app", "gwpass", client_id="gw-2", version=5)
            gw.send(publish("telemetry/sensor", "{}", qos=1, packet_id=1, version=5))
            acted = gw.expect(PUBACK)["rc"]
            gw.send(subscribe(2, [("command/inbox/#", 0)], version=5))
            wildcard = gw.expect(SUBACK)["codes"]
            for_sensor = command("sensor", "close", 3)
            topic_sensor = gw.expect(PUBLISH)["topic"]
            for_itself = command("gw", "ping", 4)
            topic_itself = gw.expect(PUBLISH)["topic"]
            for_lonely = command("lonely", "close", 5)
            report(by_name=by_name, sensor=sensor, got_sensor=got_sensor, lonely=lonely, acted=acted, wildcard=wildcard,
                   for_sensor=for_sensor, topic_sensor=topic_sensor, for_itself=for_itself, topic_itself=topic_itself,
                   for_lonely=for_lonely)
            """)
        XCTAssertEqual(result["by_name"] as? [Int], [0, 0x87], "a device that does not name the gateway is not authorized")
        XCTAssertEqual(result.int("sensor"), 0)
        XCTAssertEqual(result["got_sensor"] as? String, "command/inbox/sensor/open")
        XCTAssertEqual(result.int("lonely"), 0x10)
        XCTAssertEqual(result.int("acted"), 0)
        XCTAssertEqual(result["wildcard"] as? [Int], [0])
        XCTAssertEqual(result.int("for_sensor"), 0)
        XCTAssertEqual(result["topic_sensor"] as? String, "command/inbox/sensor/close")
        XCTAssertEqual(result.int("for_itself"), 0)
        XCTAssertEqual(result["topic_itself"] as? String, "command/inbox//ping")
        XCTAssertEqual(result.int("for_lonely"), 0x10)
    }

    /// Who may send: write permission on the application (owner, manager); a reader or a stranger
    /// gets 0x87 (5.0) or is disconnected (3.1.1); a malformed command topic 0x90; filters other
    /// than Drogue's are refused.
    func testRefusals() throws {
        let result = try host.python("""
            def send(user, topic, version=5):
                c = connected(INTEGRATION, user, user + "-key", client_id="sender-" + user, version=version)
                c.send(publish(topic, "x", qos=1, packet_id=1, version=version))
                try:
                    return c.expect(PUBACK)["rc"]
                except Closed:
                    return "closed"
            d = connected(DEVICE, "device-1@app", "secret", version=5)
            d.send(subscribe(1, [("command/inbox//#", 0), ("foo/#", 0), ("command/inbox/nobody/#", 0), ("command/outbox/#", 0)], version=5))
            codes = d.expect(SUBACK)["codes"]
            report(codes=codes, manager=send("manager", "command/app/device-1/x"), reader=send("reader", "command/app/device-1/x"),
                   stranger=send("stranger", "command/app/device-1/x"), unknown_app=send("owner", "command/nowhere/device-1/x"),
                   unknown_device=send("owner", "command/app/nobody/x"), malformed=send("owner", "command/app/device-1"),
                   reader_v3=send("reader", "command/app/device-1/x", version=4))
            """)
        XCTAssertEqual(result["codes"] as? [Int], [0, 0x80, 0x87, 0x80])
        XCTAssertEqual(result.int("manager"), 0)
        XCTAssertEqual(result.int("reader"), 0x87)
        XCTAssertEqual(result.int("stranger"), 0x87)
        XCTAssertEqual(result.int("unknown_app"), 0x87)
        XCTAssertEqual(result.int("unknown_device"), 0x10)
        XCTAssertEqual(result.int("malformed"), 0x90)
        XCTAssertEqual(result["reader_v3"] as? String, "closed")
    }
}
