import Foundation
import TestSupport
import XCTest

/// #12 "Also": failed logins and protocol violations are logged with the peer and the reason,
/// never the secret, at most 10 lines a second per instance.
final class FaultLogTests: XCTestCase {
    func testFailedLoginsAreLoggedRateLimited() throws {
        let host = try MQTTTestHost()
        _ = try host.python("""
            def attempt(i):
                c = Raw(DEVICE)
                c.connect(client_id="x%d" % i, username="device-1@app", password="wrong-secret-%d" % i)
                c.close()
            for i in range(100):
                attempt(i)
            time.sleep(1.1)
            attempt(100)
            bad = Raw(DEVICE)
            bad.send(b"\\x10\\x00")
            bad.closed_after(5)
            report(done=True)
            """)
        let output = host.host.output
        let refused = output.split(separator: "\n").filter { $0.contains("authentication from") }
        XCTAssertGreaterThan(refused.count, 0)
        XCTAssertLessThanOrEqual(refused.count, 50, "rate-limited: \(refused.count) lines for 101 attempts")
        XCTAssertTrue(refused.allSatisfy { $0.contains("127.0.0.1") }, "the peer is named")
        XCTAssertTrue(output.contains("left out by the rate limit"), "suppressed lines are counted")
        XCTAssertFalse(output.contains("wrong-secret"), "never the secret")
        XCTAssertTrue(output.contains("protocol violation"), "a malformed CONNECT is logged")
    }
}
