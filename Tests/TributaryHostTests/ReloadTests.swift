import Foundation
import TestSupport
import XCTest
@testable import TributaryHost

/// Live changes to `plugins.d/` (README.md, "Reload without a restart"): broken sets change
/// nothing, good ones apply only their difference.
final class ReloadTests: XCTestCase {
    private var dir = ""
    private var runtime: HostRuntime!

    override func setUpWithError() throws {
        dir = Fixtures.temporaryDirectory("reload")
        try FileManager.default.createDirectory(atPath: dir + "/conf", withIntermediateDirectories: true)
        runtime = HostRuntime(settings: Fixtures.settings(stateDirectory: dir + "/state"))
    }

    override func tearDown() { runtime.stopAll() }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: "\(dir)/conf/\(name)", atomically: true, encoding: .utf8)
    }

    private func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: "\(dir)/conf/\(name)") }

    private func load() -> (ConfigSet, [ConfigError]) {
        var (set, errors) = ConfigSet.load(directory: dir + "/conf", environment: [:])
        set.settings = runtime.settings
        return (set, errors)
    }

    @discardableResult
    private func reload() -> ReloadResult {
        let (set, errors) = load()
        return runtime.reload(to: set, configErrors: errors)
    }

    private func sinkConfig(_ name: String, _ extra: String = "") throws -> String {
        "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/\(name).jsonl\"\n\(extra)"
    }

    private func adapterConfig(_ record: String, count: Int) throws -> String {
        "plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(dir)/\(record).json\"\ncount = \(count)\n"
    }

    private func startInitialSet() throws {
        try write("10-main.conf", try sinkConfig("main"))
        let (set, errors) = load()
        XCTAssertEqual(errors, [])
        XCTAssertEqual(runtime.startAll(set.instances).map(\.description), [])
    }

    /// Publishes `count` events through a one-off adapter added by reload, and waits for them.
    private func publishThroughNewAdapter(_ name: String, count: Int) throws -> [String: Any] {
        try write("50-\(name).conf", try adapterConfig(name, count: count))
        XCTAssertTrue(reload().applied)
        let summary = try Fixtures.waitForJSON("\(dir)/\(name).json")
        try remove("50-\(name).conf")
        XCTAssertTrue(reload().applied)
        return summary
    }

    func testEachKindOfBrokenReloadLeavesTheRunningSetUntouched() throws {
        try startInitialSet()
        let before = runtime.running
        let broken: [(String, String, String)] = [
            ("20-syntax.conf", "plugin = \"x\"\nbroken = = 1\n", "20-syntax.conf:2:10: expected a value"),
            ("20-unknown-key.conf", try sinkConfig("other", "colour = \"blue\""), "recording-sink refused its configuration: line 3: unknown key 'colour'"),
            ("20-rejects.conf", "plugin = \"\(try Fixtures.fixture("rejects_config"))\"", "this fixture rejects every configuration"),
            ("20-missing.conf", "plugin = \"\(dir)/libgone.so\"", "libgone.so: no such library"),
            ("20-abi.conf", "plugin = \"\(try Fixtures.fixture("bad_abi_major"))\"", "built for plugin ABI 2.4, this host speaks 1.4"),
        ]
        for (file, text, expected) in broken {
            try write(file, text)
            let result = reload()
            XCTAssertFalse(result.applied, file)
            XCTAssertTrue(result.errors.joined(separator: "\n").contains(expected), "\(file): \(result.errors)")
            XCTAssertTrue(result.json.contains("\"applied\":false"), result.json)
            XCTAssertEqual(runtime.running.count, before.count, file)
            XCTAssertTrue(zip(runtime.running, before).allSatisfy { $0 === $1 }, "\(file): the same instances still run")
            try remove(file)
        }
        XCTAssertEqual(runtime.services.registry.reloadsFailed.value, 5)
        XCTAssertEqual(runtime.services.registry.lastReloadSuccessful.value, 0)
        XCTAssertEqual(try publishThroughNewAdapter("after", count: 5).int("ok"), 5, "the old set still delivers")
        XCTAssertEqual(Fixtures.jsonLines("\(dir)/main.jsonl").count, 5)
        XCTAssertEqual(runtime.services.registry.lastReloadSuccessful.value, 1, "the next good reload applies")
    }

    func testAddingRemovingAndDisablingDropInsDoesWhatItSays() throws {
        try startInitialSet()
        try write("20-extra.conf", try sinkConfig("extra"))
        var result = reload()
        XCTAssertEqual(result.started, ["extra"])
        XCTAssertEqual(result.unchanged, ["main"])
        XCTAssertEqual(try publishThroughNewAdapter("one", count: 3).int("ok"), 3)
        XCTAssertEqual(Fixtures.jsonLines("\(dir)/extra.jsonl").count, 3)

        try write("20-extra.conf", try sinkConfig("extra", "enabled = false"))
        result = reload()
        XCTAssertEqual(result.stopped, ["extra"])
        XCTAssertEqual(try publishThroughNewAdapter("two", count: 4).int("ok"), 4)
        XCTAssertEqual(Fixtures.jsonLines("\(dir)/extra.jsonl").count, 3, "a disabled sink gets nothing")
        XCTAssertEqual(Fixtures.jsonLines("\(dir)/main.jsonl").count, 7)

        try write("20-extra.conf", try sinkConfig("extra"))
        XCTAssertEqual(reload().started, ["extra"])
        try remove("20-extra.conf")
        XCTAssertEqual(reload().stopped, ["extra"])
        XCTAssertEqual(runtime.running.map(\.config.name), ["main"])

        // A comment or a moved line is not a change.
        try write("10-main.conf", "# the main sink\n" + (try sinkConfig("main")))
        XCTAssertEqual(reload().unchanged, ["main"])
        // A changed value is.
        try write("10-main.conf", try sinkConfig("main", "complete_from_thread = true"))
        XCTAssertEqual(reload().replaced, ["main"])
    }

    func testASwiftSinkLibraryReplacedTenTimesThenOrdinaryHostWorkRuns() throws {
        let library = "\(dir)/libswift-sink.so"
        try FileManager.default.copyItem(atPath: Fixtures.swiftSink, toPath: library)
        try write("10-swift.conf", "plugin = \"\(library)\"\npath = \"\(dir)/swift.jsonl\"\n")
        let (set, _) = load()
        XCTAssertEqual(runtime.startAll(set.instances).map(\.description), [])
        var staged: Set<String> = [runtime.running[0].library.stagedPath]
        for build in 1...10 {
            // A rebuilt library: different bytes under the same name (a trailing marker keeps the
            // ELF image valid and makes it a distinct file to stage and load).
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: library))
            handle.seekToEndOfFile()
            handle.write(Data("build-\(build)".utf8))
            try handle.close()
            let result = reload()
            XCTAssertEqual(result.replaced, ["swift"], "build \(build): \(result.errors)")
            staged.insert(runtime.running[0].library.stagedPath)
            XCTAssertEqual(try publishThroughNewAdapter("swift-\(build)", count: 2).int("ok"), 2)
        }
        XCTAssertEqual(staged.count, 11, "every build was loaded as its own image")
        XCTAssertEqual(Fixtures.jsonLines("\(dir)/swift.jsonl").count, 20)

        // Ordinary host work after ten images were retired: dynamic casts, protocol conformance
        // lookups, generic code, Foundation.
        let values: [Any] = [1, "two", 3.0, [4], ["five": 5], ReloadResult(applied: true)]
        XCTAssertEqual(values.compactMap { $0 as? CustomStringConvertible }.count, 5)
        XCTAssertEqual(values.compactMap { $0 as? any Equatable }.count, 6)
        XCTAssertEqual((values[5] as? ReloadResult)?.applied, true)
        XCTAssertNil(values[5] as? CustomStringConvertible)
        XCTAssertTrue(try JSONSerialization.jsonObject(with: Data(ReloadResult(applied: true).json.utf8)) is [String: Any])
        XCTAssertEqual(try publishThroughNewAdapter("after-all", count: 3).int("ok"), 3)
    }

    // MARK: The plan, and reporting exactly what runs

    func testThePlanStopsReplacesAndStartsInLifecycleOrder() throws {
        let auth = "plugin = \"\(try Fixtures.fixture("fixture_authenticator"))\"\ndevices = [\"app/d/p\"]\n"
        try write("05-auth.conf", auth)
        try write("10-main.conf", try sinkConfig("main"))
        try write("15-old.conf", try sinkConfig("old"))
        try write("20-feed.conf", try adapterConfig("feed", count: 0))
        try write("25-gone.conf", try adapterConfig("gone", count: 0))
        let (initial, _) = load()
        XCTAssertEqual(runtime.startAll(initial.instances).map(\.description), [])

        try write("05-auth.conf", auth + "async = true\n")
        try write("10-main.conf", try sinkConfig("main", "complete_from_thread = true"))
        try remove("15-old.conf")
        try write("18-new.conf", try sinkConfig("new"))
        try write("20-feed.conf", try adapterConfig("feed", count: 1))
        try remove("25-gone.conf")
        let (next, _) = load()
        let desired = try next.instances.map { config -> (kept: RunningInstance?, created: RunningInstance?) in
            let current = runtime.running.first { $0.config.name == config.name }
            if let current, current.config.hasSameSettings(as: config) { return (current, nil) }
            return (nil, try runtime.create(config))
        }
        let plan = ReloadPlan(running: runtime.running, desired: desired)
        XCTAssertEqual(plan.summary, [
            "stop adapter gone",
            "start authenticator auth replacing auth", "swap authenticators", "stop authenticator auth (replaced)",
            "start sink main replacing main", "start sink new",
            "stop adapter feed (replaced)", "start adapter feed replacing feed",
            "stop sink old",
        ])
        for instance in plan.created { instance.destroy() }
    }

    func testAnAdapterWhoseReplacementCannotListenIsReportedNotRunningNotUnchanged() throws {
        let library = try Fixtures.library("PluginAPI/Examples/line-adapter/line_adapter.c")
        try write("10-main.conf", try sinkConfig("main"))
        try write("20-line.conf", "plugin = \"\(library)\"\naddress = \"127.0.0.1:0\"\n")
        let (set, _) = load()
        XCTAssertEqual(runtime.startAll(set.instances).map(\.description), [])
        XCTAssertTrue(runtime.health.notRunning.isEmpty)
        let listener = try XCTUnwrap(runtime.services.listeners.all.first, "the adapter reported its listener")
        XCTAssertEqual([listener.instance, listener.label], ["line", "lines"])
        XCTAssertTrue(listener.address.hasPrefix("127.0.0.1:") && !listener.address.hasSuffix(":0"), listener.address)

        let holder = try PortHolder()
        try write("20-line.conf", "plugin = \"\(library)\"\naddress = \"127.0.0.1:\(holder.port)\"\n")
        let result = reload()
        XCTAssertFalse(result.applied)
        XCTAssertTrue(result.changed, "the old adapter was stopped: this is not an unchanged configuration")
        XCTAssertEqual(result.notRunning, ["line"])
        XCTAssertTrue(result.errors.contains { $0.contains("the previous line was stopped to free its listeners, so line is not running") }, "\(result.errors)")
        XCTAssertEqual(runtime.running.map(\.config.name), ["main"], "exactly what runs")
        XCTAssertEqual(runtime.health.notRunning.map(\.name), ["line"])
        XCTAssertTrue(result.json.contains("\"notRunning\":[\"line\"]"), result.json)
        XCTAssertEqual(runtime.services.listeners.json, "[]", "the stopped adapter's listener is gone")

        holder.close()
        let retried = reload()
        XCTAssertTrue(retried.applied, "\(retried.errors)")
        XCTAssertEqual(retried.started, ["line"])
        XCTAssertEqual(runtime.services.listeners.all.map(\.address), ["127.0.0.1:\(holder.port)"])
        XCTAssertTrue(runtime.health.notRunning.isEmpty)
    }

    func testASinkWhoseReplacementFailsToStartKeepsThePreviousOne() throws {
        // The example sink opens its file in start, so a path in a missing directory validates
        // and then fails to start.
        let jsonl = try Fixtures.library("PluginAPI/Examples/jsonl-sink/jsonl_sink.c")
        try write("10-main.conf", "plugin = \"\(jsonl)\"\npath = \"\(dir)/main.jsonl\"\n")
        let (set, _) = load()
        XCTAssertEqual(runtime.startAll(set.instances).map(\.description), [])
        let before = try XCTUnwrap(runtime.running.first)
        try write("10-main.conf", "plugin = \"\(jsonl)\"\npath = \"\(dir)/no-such-dir/main.jsonl\"\n")
        let result = reload()
        XCTAssertFalse(result.applied)
        XCTAssertTrue(result.changed)
        XCTAssertTrue(result.errors.contains { $0.contains("the previous main keeps running") }, "\(result.errors)")
        XCTAssertTrue(runtime.running.first === before, "the previous instance still serves")
        XCTAssertEqual(result.notRunning, ["main"], "the configured version does not run")
    }
}
