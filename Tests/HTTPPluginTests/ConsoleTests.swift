import Foundation
import TestSupport
import XCTest

/// The admin endpoint's console in a real browser (headless Chromium over its DevTools
/// protocol, `Scripts/console_browser.py`): the status page lists the instances, listeners and
/// event-rate series; the live view, authenticated with an application's API key, shows a
/// device's HTTP publish within a second, keeps the newest 300 of a 1,000 events/s burst while
/// staying responsive, and pauses and filters. Screenshots are left in the test's directory.
final class ConsoleTests: XCTestCase {
    func testStatusPageAndLiveEventsInHeadlessChromium() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium missing (make deps installs it)")
        let host = try HTTPTestHost()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Scripts/console_browser.py"
        let run = try Fixtures.run("/usr/bin/python3", [script, "\(host.host.adminPort)", "\(host.devicePort)", host.directory])
        XCTAssertEqual(run.status, 0, run.output)
        let line = try XCTUnwrap(run.output.split(separator: "\n").last)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], run.output)
        print("console in chromium: \(line)")

        let instances = try XCTUnwrap(result["instances"] as? [[String]], "\(result)")
        XCTAssertTrue(instances.contains { $0.prefix(4) == ["http", "http", "adapter", "running"] }, "\(instances)")
        XCTAssertTrue(instances.contains { $0[0] == "registry" && $0[3] == "running" }, "\(instances)")
        XCTAssertGreaterThanOrEqual(result["listeners"] as? Int ?? 0, 4)
        XCTAssertEqual(result["health"] as? String, "ok")
        XCTAssertTrue((result["series"] as? [String] ?? []).contains("adapter http received"), "\(result)")

        XCTAssertEqual(result["publish_status"] as? Int, 202)
        XCTAssertTrue((result["connected"] as? String ?? "").hasPrefix("live: app"), "\(result)")
        let first = try XCTUnwrap(result["first_event_seconds"] as? Double, "the event never appeared: \(result)")
        XCTAssertLessThan(first, 1.0, "a device's event appears within a second")
        XCTAssertTrue((result["first_event_text"] as? String ?? "").contains("\"temperature\": 21.5"), "pretty-printed: \(result)")

        // Every event arrived; a batch past `keep` renders only its newest (the older ones would
        // be pushed out in the same frame).
        XCTAssertTrue((result["counts"] as? String ?? "").hasPrefix("3001 received, "), "\(result)")
        XCTAssertEqual(result["kept"] as? Int, 300)
        XCTAssertEqual(result["newest"] as? String, "seq 2999")
        XCTAssertLessThan(result["evaluate_ms"] as? Int ?? 10_000, 1000, "the page answers during the burst")
        XCTAssertEqual(result["paused_kept_newest"] as? String, "burst", "paused: nothing new rendered")
        XCTAssertEqual(result["filtered"] as? String, "only-this")
        XCTAssertGreaterThan(result["status_screenshot_bytes"] as? Int ?? 0, 10_000)
        XCTAssertGreaterThan(result["live_screenshot_bytes"] as? Int ?? 0, 10_000)
    }
}
