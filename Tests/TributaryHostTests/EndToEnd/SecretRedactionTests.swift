import Foundation
import TestSupport
import XCTest

/// Issue #12 item 8: a password in a drop-in's URL reaches no output. webhook-push refuses a URL
/// with credentials and quotes it; the host must hide them in `tributary check`, the log,
/// `/healthz` and the `POST /reload` answer alike.
final class SecretRedactionTests: XCTestCase {
    private let password = "Hunter2Password"

    private func dropIns(_ dir: String) throws {
        try writeDropIns(dir, [
            "40-hook.conf": "plugin = \"\(Fixtures.products)/libtributary-webhook-push.so\"\nurl = \"http://user:\(password)@127.0.0.1:9/x\"\n",
        ])
    }

    func testCheckDoesNotPrintTheURLPassword() throws {
        let dir = Fixtures.temporaryDirectory("redact-check")
        try dropIns(dir)
        let result = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--state-dir", dir + "/state"])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("http://***@127.0.0.1:9/x"), result.output)
        XCTAssertFalse(result.output.contains(password), result.output)
    }

    func testLogHealthAndReloadDoNotShowTheURLPassword() throws {
        let dir = Fixtures.temporaryDirectory("redact-run")
        try dropIns(dir)
        let host = try HostProcess(directory: dir)
        defer { _ = host.terminate() }
        let deadline = Date().addingTimeInterval(20)
        var health = ""
        while Date() < deadline, !health.contains("hook") {
            health = host.admin("/healthz")?.body ?? ""
            usleep(50_000)
        }
        XCTAssertTrue(health.contains("***@127.0.0.1"), health)
        let reload = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "30", "-X", "POST", "http://127.0.0.1:\(host.adminPort)/reload"])
        XCTAssertTrue(reload.output.contains("***@127.0.0.1"), reload.output)
        _ = host.terminate()
        for (name, text) in [("healthz", health), ("reload", reload.output), ("log", host.output)] {
            XCTAssertFalse(text.contains(password), "\(name) shows the password:\n\(text)")
        }
        XCTAssertTrue(host.output.contains("***@127.0.0.1"), host.output)
    }
}
