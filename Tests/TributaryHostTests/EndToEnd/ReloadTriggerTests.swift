import Foundation
import TestSupport
import XCTest

/// The three reload triggers of the real binary, and how a refused reload is reported.
final class ReloadTriggerTests: XCTestCase {
    private func post(_ port: Int, _ path: String) throws -> (status: Int, body: String) {
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "30", "-X", "POST", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let code = Int(lines.popLast() ?? "") ?? 0
        return (code, lines.joined(separator: "\n"))
    }

    private func waitFor(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return false
    }

    func testWatcherSIGHUPAndPostReloadApplyAndReportRefusals() throws {
        let dir = Fixtures.temporaryDirectory("triggers")
        let sink = try Fixtures.fixture("recording_sink")
        try writeDropIns(dir, ["10-main.conf": "plugin = \"\(sink)\"\npath = \"\(dir)/main.jsonl\"\n"])
        let host = try HostProcess(directory: dir)
        defer { _ = host.terminate() }
        let port = host.adminPort
        try host.waitUntilReady()
        let conf = dir + "/conf"

        // The watcher: an editor-style save (temporary file, then rename) adds a sink.
        try "plugin = \"\(sink)\"\npath = \"\(dir)/added.jsonl\"\n".write(toFile: conf + "/.20-added.conf.swp", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: conf + "/.20-added.conf.swp", toPath: conf + "/20-added.conf")
        XCTAssertTrue(waitFor { host.output.contains("[added] started sink recording-sink") }, host.output)

        // A broken file: the watcher's reload is refused; /healthz and /metrics say so.
        try "plugin = \"\(sink)\"\npath = \"\(dir)/x.jsonl\"\ncolour = \"blue\"\n".write(toFile: conf + "/30-broken.conf", atomically: true, encoding: .utf8)
        XCTAssertTrue(waitFor { host.admin("/healthz")?.body.contains("degraded") ?? false }, host.output)
        let health = try XCTUnwrap(host.admin("/healthz"))
        XCTAssertTrue(health.body.contains("30-broken.conf: recording-sink refused its configuration: line 3: unknown key 'colour'"), health.body)
        XCTAssertTrue(host.output.contains("reload refused"), host.output)
        let metrics = try XCTUnwrap(host.admin("/metrics")).body
        XCTAssertTrue(metrics.contains("tributary_config_last_reload_successful 0"), metrics)
        XCTAssertTrue(metrics.contains("tributary_reloads_total{result=\"failed\"} 1"), metrics)

        // POST /reload answers with the result.
        let refused = try post(port, "/reload")
        XCTAssertEqual(refused.status, 422)
        XCTAssertTrue(refused.body.contains("\"applied\":false") && refused.body.contains("unknown key 'colour'"), refused.body)

        // Fixed: SIGHUP applies it (the watcher may also have); the host is healthy again.
        try "plugin = \"\(sink)\"\npath = \"\(dir)/x.jsonl\"\n".write(toFile: conf + "/30-broken.conf", atomically: true, encoding: .utf8)
        kill(host.process.processIdentifier, SIGHUP)
        XCTAssertTrue(waitFor { host.admin("/healthz")?.body.contains("\"status\":\"ok\"") ?? false }, host.output)
        XCTAssertTrue(host.output.contains("[broken] started sink recording-sink"), host.output)
        let applied = try post(port, "/reload")
        XCTAssertEqual(applied.status, 200)
        XCTAssertTrue(applied.body.contains("\"applied\":true") && applied.body.contains("\"unchanged\":[\"main\",\"added\",\"broken\"]"), applied.body)
        XCTAssertEqual(host.terminate(), 0)
    }
}
