import Foundation
import TestSupport
import XCTest

/// #12 item 1: a device cannot make the host hold more command routes by repeating or
/// multiplying its subscriptions.
final class CommandBoundTests: XCTestCase {
    /// 20,000 identical SUBSCRIBEs: every one granted, one route held (the gauge), the command
    /// delivered once, another device connects meanwhile, and the disconnect releases the route.
    func testRepeatedSubscribeKeepsOneRoute() throws {
        let host = try MQTTTestHost()
        let result = try host.python("""
            import urllib.request
            def routes():
                text = urllib.request.urlopen("http://127.0.0.1:\(host.host.adminPort)/metrics", timeout=5).read().decode()
                return [float(l.split()[-1]) for l in text.splitlines() if l.startswith("tributary_plugin_mqtt_command_routes")]
            d = connected(DEVICE, "gw@app", "gwpass", client_id="repeat")
            count = 20000
            d.send(subscribe(1, [("command/inbox//#", 0)]) * count)
            other = Raw(DEVICE)
            other_rc = other.connect(client_id="other", username="device-1@app", password="secret")
            other.close()
            expected = bytes([0x90, 3, 0, 1, 0]) * count
            deadline = time.monotonic() + 30
            while len(d.buffer) < len(expected):
                d._fill(deadline)
            granted = d.buffer[:len(expected)] == expected
            d.buffer = d.buffer[len(expected):]
            held = routes()
            app = connected(INTEGRATION, "owner", "owner-key", client_id="commander", version=5)
            app.send(publish("command/app/gw/set", "on", qos=1, packet_id=1, version=5))
            sent = app.expect(PUBACK)["rc"]
            first = d.expect(PUBLISH)["topic"]
            try:
                d.read(timeout=0.5)
                again = True
            except TimeoutError:
                again = False
            d.close()
            released = wait_until(lambda: routes() == [0.0], timeout=5)
            report(granted=granted, other_rc=other_rc, held=held, sent=sent, first=first, again=again, released=released)
            """, seconds: 60)
        XCTAssertEqual(result["granted"] as? Bool, true, "every repeated SUBSCRIBE granted QoS 0")
        XCTAssertEqual(result.int("other_rc"), 0, "another device connects while the repeats are handled")
        XCTAssertEqual(result["held"] as? [Double], [1], "one route however often the filter is repeated")
        XCTAssertEqual(result.int("sent"), 0)
        XCTAssertEqual(result["first"] as? String, "command/inbox//set")
        XCTAssertEqual(result["again"] as? Bool, false, "the command is delivered once")
        XCTAssertEqual(result["released"] as? Bool, true, "the disconnect releases the route")
    }

    /// Past `max_command_filters` distinct filters, SUBACK says quota exceeded (0x80 in 3.1.1);
    /// UNSUBSCRIBE frees a place.
    func testDistinctFiltersAreBounded() throws {
        let host = try MQTTTestHost(mqtt: "max_command_filters = 2")
        let result = try host.python("""
            codes = {}
            for version in (4, 5):
                d = connected(DEVICE, "device-1@app", "secret", client_id="bounded-%d" % version, version=version)
                d.send(subscribe(1, [("command/inbox//#", 0), ("command/inbox/#", 0), ("command/inbox/device-1/#", 0)], version=version))
                first = d.expect(SUBACK)["codes"]
                d.send(unsubscribe(2, ["command/inbox/#"], version=version))
                d.expect(UNSUBACK)
                d.send(subscribe(3, [("command/inbox/device-1/#", 0)], version=version))
                codes[version] = [first, d.expect(SUBACK)["codes"]]
                d.close()
            report(v3=codes[4], v5=codes[5])
            """)
        XCTAssertEqual(result["v5"] as? [[Int]], [[0, 0, 0x97], [0]])
        XCTAssertEqual(result["v3"] as? [[Int]], [[0, 0, 0x80], [0]])
    }
}
