import Foundation
import TestSupport
import XCTest

/// The `tributary` binary as operators use it: check, run, metrics, SIGTERM.
final class HostBinaryTests: XCTestCase {
    func testVersionNamesTheABIAndToolchain() throws {
        let result = try Fixtures.run(Fixtures.executable, ["version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.output.hasPrefix("tributary 0.1.0 (plugin ABI 1.4; built with swift clang"), result.output)
    }

    func testPluginsListsTheSearchPathWithABIVersionsAndRefusals() throws {
        let dir = Fixtures.temporaryDirectory("plugins")
        try FileManager.default.copyItem(atPath: try Fixtures.fixture("recording_sink"), toPath: dir + "/librecording.so")
        try FileManager.default.copyItem(atPath: try Fixtures.fixture("bad_abi_major"), toPath: dir + "/libbad.so")
        let result = try Fixtures.run(Fixtures.executable, ["plugins", "--plugin-path", dir, "--state-dir", dir + "/state", "--config-dir", dir])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("recording-sink 1.0.0: sink, ABI 1.4, built with c"), result.output)
        XCTAssertTrue(result.output.contains("\(dir)/libbad.so\n    refused: built for plugin ABI 2.4"), result.output)
    }

    func testCheckListsEveryErrorWithFileAndLine() throws {
        let dir = Fixtures.temporaryDirectory("check")
        try writeDropIns(dir, [
            "00-host.conf": "[host]\nlog_level = \"chatty\"\n",
            "10-syntax.conf": "plugin = \"x\"\nbroken = = 1\n",
            "20-rejects.conf": "plugin = \"\(try Fixtures.fixture("rejects_config"))\"\n",
            "30-recording.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/r.jsonl\"\ncolour = \"blue\"\n",
            "40-missing.conf": "plugin = \"\(dir)/libnothing.so\"\n",
            "50-off.conf": "plugin = \"\(dir)/libnothing.so\"\nenabled = false\n",
            "60-no-plugin.conf": "path = \"x\"\n",
            "61-wrong-filter.conf": "plugin = \"x\"\n[filter]\napps = [\"a\"]\n",
            ".hidden.conf": "this is not toml",
            "70-backup.conf~": "nor this",
            "README": "nor this",
        ])
        let result = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--state-dir", dir + "/state"])
        XCTAssertEqual(result.status, 1, result.output)
        let conf = dir + "/conf/"
        for expected in [
            "\(conf)00-host.conf:2:13: log_level must be one of error, warn, info, debug, trace",
            "\(conf)10-syntax.conf:2:10: ",
            "\(conf)20-rejects.conf: rejects-config refused its configuration: this fixture rejects every configuration",
            "\(conf)30-recording.conf: recording-sink refused its configuration:",
            "colour",
            "\(conf)40-missing.conf: plugin '\(dir)/libnothing.so': \(dir)/libnothing.so: no such library",
            "\(conf)60-no-plugin.conf:1:1: missing 'plugin'",
            "\(conf)61-wrong-filter.conf:3:8: unknown key 'filter.apps'",
            "7 errors",
        ] {
            XCTAssertTrue(result.output.contains(expected), "missing '\(expected)' in:\n\(result.output)")
        }
        // A disabled drop-in is no error, but check says what enabling it would take.
        XCTAssertTrue(result.output.contains("\(conf)50-off.conf: disabled; to enable it: plugin '\(dir)/libnothing.so'"), result.output)
        XCTAssertFalse(result.output.contains("hidden") || result.output.contains("backup"), "skipped files are not read")
    }

    func testCheckPassesAGoodSet() throws {
        let dir = Fixtures.temporaryDirectory("check-ok")
        try writeDropIns(dir, [
            "10-recording.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/r.jsonl\"\n",
            "20-off.conf": "plugin = \"kafka\"\nenabled = false\n",
        ])
        let result = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--state-dir", dir + "/state"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("configuration ok (1 enabled, 1 disabled)"), result.output)
    }

    func testMetricsParseAsPrometheusTextAndMatchWhatHappened() throws {
        let dir = Fixtures.temporaryDirectory("metrics")
        try writeDropIns(dir, [
            "10-recording.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/r.jsonl\"\n",
            "11-busy.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/b.jsonl\"\noutcome = \"busy\"\n[filter]\nchannels = [\"state\"]\n",
            "20-script.conf": "plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(dir)/summary.json\"\ncount = 120\n",
            "21-state.conf": "plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(dir)/state.json\"\ncount = 7\nchannel = \"state\"\n",
            "22-bad.conf": "plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(dir)/bad.json\"\ncount = 3\ncontent_type = \"application/json\"\npayload = \"nope\"\n",
        ])
        let host = try HostProcess(directory: dir)
        defer { _ = host.terminate() }
        try host.waitUntilReady()
        XCTAssertEqual(try Fixtures.waitForJSON(dir + "/summary.json").int("ok"), 120)
        XCTAssertEqual(try Fixtures.waitForJSON(dir + "/state.json").int("busy"), 7)
        XCTAssertEqual(try Fixtures.waitForJSON(dir + "/bad.json").int("sync_rejected"), 3)
        let metrics = try XCTUnwrap(host.admin("/metrics"))
        XCTAssertEqual(metrics.status, 200)
        let parsed = try parsePrometheus(metrics.body)
        XCTAssertEqual(parsed["tributary_events_received_total{instance=script}"], 120)
        XCTAssertEqual(parsed["tributary_events_accepted_total{instance=script}"], 120)
        XCTAssertEqual(parsed["tributary_events_busy_total{instance=state}"], 7)
        XCTAssertEqual(parsed["tributary_events_rejected_total{instance=bad}"], 3)
        XCTAssertEqual(parsed["tributary_sink_deliveries_total{instance=recording,outcome=ok}"], 127)
        XCTAssertEqual(parsed["tributary_sink_deliveries_total{instance=busy,outcome=busy}"], 7)
        XCTAssertEqual(parsed["tributary_sink_latency_seconds_count{instance=recording}"], 127)
        XCTAssertEqual(parsed["tributary_sink_queue_depth{instance=recording}"], 0)
        XCTAssertEqual(parsed["tributary_plugin_recording_sink_events_total{instance=recording}"], 127)
        XCTAssertEqual(host.admin("/healthz")?.status, 200)
        XCTAssertEqual(host.admin("/nope")?.status, 404)
        XCTAssertEqual(host.terminate(), 0)
    }

    func testSIGTERMCompletesOrFailsEveryEventInFlight() throws {
        let dir = Fixtures.temporaryDirectory("sigterm")
        try writeDropIns(dir, [
            "00-host.conf": "[host]\ndrain_timeout_ms = 600\n",
            "10-slow.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/r.jsonl\"\ndelay_ms = 30000\nignore_drain = true\n",
            "20-script.conf": "plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(dir)/summary.json\"\ncount = 1000000\nwindow = 40\n",
        ])
        let host = try HostProcess(directory: dir)
        try host.waitUntilReady()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !(host.admin("/metrics")?.body.contains("tributary_sink_queue_depth{instance=\"slow\"} 40") ?? false) {
            usleep(20_000)
        }
        XCTAssertEqual(host.terminate(), 0, host.output)
        let summary = try Fixtures.waitForJSON(dir + "/summary.json")
        XCTAssertEqual(summary.int("published"), 40, "the window was full when SIGTERM came")
        XCTAssertEqual(summary.int("pending"), 0, "nothing silently lost")
        XCTAssertEqual(summary.int("unavailable"), 40, "failed towards the device, not acknowledged")
        XCTAssertEqual(summary.int("duplicates"), 0)
        XCTAssertTrue(host.output.contains("drain deadline passed with 40 deliveries pending"), host.output)
    }

    /// Parses with the Prometheus project's own Python parser (Debian python3-prometheus-client),
    /// into "name{label=value,...}" -> value.
    private func parsePrometheus(_ text: String) throws -> [String: Double] {
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                    print(f"{s.name}{{{labels}}}" if labels else s.name, s.value)
            """
        let input = Fixtures.temporaryDirectory("prom") + "/metrics.txt"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        let result = try Fixtures.run("/bin/sh", ["-c", "/usr/bin/python3 -c '\(script)' < \(input)"])
        guard result.status == 0 else { throw FixtureError("prometheus parser failed: \(result.output)") }
        var values: [String: Double] = [:]
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}
