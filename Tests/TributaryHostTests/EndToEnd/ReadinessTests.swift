import Foundation
import TestSupport
import XCTest

/// `/readyz` and `/healthz` tell the truth: a drop-in that should run and does not (here an
/// adapter whose port another process holds) makes the host unready and degraded, with the
/// reason, until a reload starts it.
final class ReadinessTests: XCTestCase {
    func testAnAdapterThatCannotListenMakesTheHostUnreadyUntilAReloadStartsIt() throws {
        let dir = Fixtures.temporaryDirectory("readiness")
        let holder = try PortHolder()
        let port = holder.port
        try writeDropIns(dir, [
            "20-line.conf": "plugin = \"\(try Fixtures.library("PluginAPI/Examples/line-adapter/line_adapter.c"))\"\naddress = \"127.0.0.1:\(port)\"\n",
            "30-sink.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/events.jsonl\"\n",
        ])
        let host = try HostProcess(directory: dir)
        defer { _ = host.terminate() }

        let unready = try waitFor(host, "/readyz") { $0.body.contains("line") }
        XCTAssertEqual(unready.status, 503, unready.body)
        XCTAssertEqual(unready.body, "not ready (not running: line)\n")
        let degraded = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(host.admin("/healthz")).body.utf8)) as? [String: Any]
        XCTAssertEqual(degraded?["status"] as? String, "degraded")
        let notRunning = try XCTUnwrap(degraded?["notRunning"] as? [[String: Any]])
        XCTAssertEqual(notRunning.map { $0["instance"] as? String }, ["line"])
        let reason = notRunning.first?["error"] as? String ?? ""
        XCTAssertTrue(reason.contains("20-line.conf") && reason.contains("failed to start"), reason)

        holder.close()
        let reload = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "30", "-X", "POST", "-w", "\n%{http_code}", "http://127.0.0.1:\(host.adminPort)/reload"])
        XCTAssertTrue(reload.output.hasSuffix("\n200"), reload.output)
        XCTAssertTrue(reload.output.contains("\"started\":[\"line\"]"), reload.output)
        XCTAssertEqual(host.admin("/readyz")?.status, 200)
        XCTAssertEqual(host.admin("/healthz")?.body, "{\"status\":\"ok\"}\n")
    }

    private func waitFor(_ host: HostProcess, _ path: String, until condition: ((status: Int, body: String)) -> Bool) throws -> (status: Int, body: String) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let answer = host.admin(path), condition(answer) { return answer }
            guard host.process.isRunning else { throw FixtureError("tributary exited early:\n\(host.output)") }
            usleep(50_000)
        }
        throw FixtureError("\(path) never matched:\n\(host.output)")
    }
}
