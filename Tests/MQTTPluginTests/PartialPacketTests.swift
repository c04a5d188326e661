import Foundation
import TestSupport
import XCTest

/// #12 items 4 and 6: what a client can make the host hold, and for how long, with packets it
/// never finishes.
final class PartialPacketTests: XCTestCase {
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
}
