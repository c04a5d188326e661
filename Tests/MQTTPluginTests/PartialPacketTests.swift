import Foundation
import TestSupport
import XCTest

/// #12 items 4 and 6: what a client can make the host hold, and for how long, with packets it
/// never finishes.
final class PartialPacketTests: XCTestCase {
    /// 200 connections each announcing a 250 KB CONNECT: closed from the fixed header, before
    /// the body is buffered (without CONNACK: the protocol level is not read yet).
    func testLargeConnectIsRefusedFromItsHeader() throws {
        let host = try MQTTTestHost()
        let result = try host.python("""
            big = connect(client_id="big", version=5, props=[user_property("x", "y" * 50000)] * 5)
            closed = 0
            for i in range(200):
                c = Raw(DEVICE, version=5)
                c.send(big[:1000])
                seconds, seen = c.closed_after(timeout=5)
                closed += seconds is not None and not seen
                c.close()
            small = Raw(DEVICE, version=5)
            report(closed=closed, small=small.connect(client_id="s", username="device-1@app", password="secret"))
            """)
        XCTAssertEqual(result.int("closed"), 200, "each closed on the announced size")
        XCTAssertEqual(result.int("small"), 0, "an ordinary CONNECT is accepted")
    }

    /// A PUBLISH begun and never finished closes its connection after `packet_timeout_ms`
    /// although the connection has no keep alive.
    func testUnfinishedPacketIsClosedAfterItsDeadline() throws {
        let host = try MQTTTestHost(mqtt: "packet_timeout_ms = 1000")
        let result = try host.python("""
            d = connected(DEVICE, "device-1@app", "secret", client_id="partial", keepalive=0, version=5)
            d.send(publish("telemetry", "x" * 200000, qos=1, packet_id=1, version=5)[:100000])
            seconds, seen = d.closed_after(timeout=10)
            report(seconds=seconds, reasons=[p.get("rc") for p in seen if p["type"] == DISCONNECT])
            """)
        let seconds = try XCTUnwrap(result["seconds"] as? Double, "closed")
        XCTAssertLessThan(seconds, 6)
        XCTAssertEqual(result["reasons"] as? [Int], [0x8D])
    }

    /// Keep alive 2 s and one byte a second of a 200,000-byte PUBLISH: closed within 1.5 times the
    /// keep alive of the last complete packet [MQTT-3.1.2-24], not kept open by the drip.
    func testDrippingPacketDoesNotResetKeepAlive() throws {
        let host = try MQTTTestHost()
        let result = try host.python("""
            d = connected(DEVICE, "device-1@app", "secret", client_id="drip", keepalive=2)
            data = publish("telemetry", "x" * 200000)
            start, closed = time.monotonic(), None
            for i in range(12):
                try:
                    d.send(data[i:i + 1])
                    d.read(timeout=1)
                except (Closed, OSError):
                    closed = time.monotonic() - start
                    break
                except TimeoutError:
                    pass
            report(closed=closed)
            """)
        let closed = try XCTUnwrap(result["closed"] as? Double, "closed while dripping")
        XCTAssertLessThan(closed, 6)
    }

    /// 100 connections each holding 15,000 bytes of an unfinished CONNECT, against a budget of
    /// 1 MiB: the budget holds (the connections holding most are closed), and a device still
    /// connects and publishes.
    func testPartialPacketsShareOneBudget() throws {
        let host = try MQTTTestHost(mqtt: "partial_packet_budget_bytes = 1048576")
        let result = try host.python("""
            part = connect(client_id="held", props=[], username="x" * 16000)[:15000]
            held = []
            for i in range(100):
                c = Raw(DEVICE)
                c.send(part)
                held.append(c)
            time.sleep(1)
            open_ = 0
            for c in held:
                seconds, _ = c.closed_after(timeout=0.05)
                if seconds is None:
                    open_ += 1
            d = connected(DEVICE, "device-1@app", "secret", client_id="honest")
            d.send(publish("telemetry", "{}", qos=1, packet_id=1))
            report(open=open_, puback=d.expect(PUBACK)["id"])
            """, seconds: 40)
        let open = try XCTUnwrap(result["open"] as? Int)
        XCTAssertLessThanOrEqual(open * 15_000, 1_048_576 + 15_000, "what is held stays within the budget")
        XCTAssertGreaterThan(open, 0, "only the excess is closed")
        XCTAssertEqual(result.int("puback"), 1)
    }
}
