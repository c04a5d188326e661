import Foundation
import TestSupport
import XCTest

/// The MQTT twin of HTTP pipelining (#12 item 3): a device that sends PINGREQs without reading
/// the PINGRESPs is not read either once its unsent answers pass the bound.
final class UnreadAnswersTests: XCTestCase {
    func testPingsWithoutReadingAreBackPressured() throws {
        let host = try MQTTTestHost()
        let result = try host.python("""
            def rss():
                return int([l.split()[1] for l in open("/proc/\(host.host.process.processIdentifier)/status") if l.startswith("VmRSS")][0])
            before = rss()
            c = Raw(DEVICE, receive_buffer=4096)
            c.connect(client_id="pinger", username="device-1@app", password="secret", keepalive=0)
            c.sock.setblocking(False)
            chunk = PINGREQ_BYTES * 50000
            sent, deadline, stalled_since = 0, time.monotonic() + 20, None
            while time.monotonic() < deadline and sent < 100000000:
                try:
                    sent += c.sock.send(chunk)
                    stalled_since = None
                except BlockingIOError:
                    stalled_since = stalled_since or time.monotonic()
                    if time.monotonic() - stalled_since > 1:
                        break
                    time.sleep(0.01)
            other = Raw(DEVICE)
            report(sent=sent, grown_kb=rss() - before, other=other.connect(client_id="other", username="device-2@app", password="secret"))
            """, seconds: 40)
        XCTAssertLessThan(try XCTUnwrap(result["sent"] as? Int), 16_000_000, "the server stopped reading (29 MB before the bound)")
        XCTAssertLessThan(try XCTUnwrap(result["grown_kb"] as? Int), 8 * 1024, "the host's memory stays bounded (22 MB more before the bound)")
        XCTAssertEqual(result.int("other"), 0, "another device connects meanwhile")
    }
}
