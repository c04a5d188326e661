import Foundation
import TestSupport
import XCTest
@testable import TributaryHost

/// The promise of README.md's "Reload without a restart": while devices keep sending, a sink's
/// configuration changes and its library is replaced, and not one acknowledged event is lost.
final class ReloadUnderLoadTests: XCTestCase {
    private var dir = ""
    private var runtime: HostRuntime!

    override func setUpWithError() throws {
        dir = Fixtures.temporaryDirectory("reload-load")
        try FileManager.default.createDirectory(atPath: dir + "/conf", withIntermediateDirectories: true)
        var settings = Fixtures.settings(stateDirectory: dir + "/state")
        settings.drainTimeoutMilliseconds = 2_000
        runtime = HostRuntime(settings: settings)
    }

    override func tearDown() { runtime.stopAll() }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: "\(dir)/conf/\(name)", atomically: true, encoding: .utf8)
    }

    private func reload() -> ReloadResult {
        var (set, errors) = ConfigSet.load(directory: dir + "/conf", environment: [:])
        set.settings = runtime.settings
        return runtime.reload(to: set, configErrors: errors)
    }

    /// Installs a new build of a library the way operators should: write beside, then rename.
    private func install(_ build: (String) throws -> Void, at path: String) throws {
        let temporary = path + ".new"
        try build(temporary)
        XCTAssertEqual(rename(temporary, path), 0)
    }

    /// Runs the load, applying `changes` (each returns whether it replaced the library) spread
    /// over it, and checks that every acknowledged event reached the sink's file.
    @discardableResult
    private func runLoad(sinkFile: String, changes: [() throws -> Void]) throws -> Int64 {
        let count = 6_000
        try write("20-load.conf", """
            plugin = "\(try Fixtures.fixture("script_adapter"))"
            record = "\(dir)/summary.json"
            acked = "\(dir)/acked.txt"
            count = \(count)
            rate = 2000
            window = 256
            """)
        XCTAssertEqual(reload().started, ["load"])
        let received = runtime.running.first { $0.config.name == "load" }!.record.metrics.eventsReceived
        for (index, change) in changes.enumerated() {
            // Spread by progress, not by time: each change waits for its share of the load, so
            // every reload happens while devices send, however fast the machine is.
            let share = Int64(count * (index + 1) / (changes.count + 2))
            XCTAssertTrue(Fixtures.waitUntil(seconds: 30) { received.value >= share }, "the load stalled at \(received.value)")
            try change()
            let result = reload()
            XCTAssertTrue(result.applied, "\(result.errors)")
            XCTAssertEqual(result.replaced, ["sink"], "\(result)")
        }
        let summary = try Fixtures.waitForJSON("\(dir)/summary.json", seconds: 60)
        let acked = Set(try String(contentsOfFile: "\(dir)/acked.txt", encoding: .utf8).split(separator: "\n").compactMap { Int($0) })
        let delivered = Fixtures.jsonLines(sinkFile).compactMap { ($0["data"] as? [String: Any])?["seq"] as? Int }
        let unique = Set(delivered)
        let lost = acked.subtracting(unique)
        let handedOver = runtime.running.first { $0.config.name == "sink" }!.record.metrics.deliveredCancelled.value
        print("reload under load (\(changes.count) reloads): sent \(summary.int("published")), acknowledged \(acked.count), "
              + "delivered \(unique.count) distinct, duplicates \(delivered.count - unique.count), lost \(lost.count), "
              + "handed over from draining instances \(handedOver)")
        XCTAssertEqual(summary.int("published"), count)
        XCTAssertEqual(summary.int("ok"), count, "every event was handed over, none failed: \(summary)")
        XCTAssertEqual(acked.count, count)
        XCTAssertEqual(lost, [], "acknowledged but never delivered")
        XCTAssertEqual(summary.int("duplicates"), 0, "no device was answered twice")
        return handedOver
    }

    func testCSinkChangedTwentyTimesAndRebuiltFiveTimesUnderLoadLosesNothing() throws {
        let source = Fixtures.root + "/Tests/Fixtures/CPlugins/recording_sink.c"
        let library = "\(dir)/librecording.so"
        func build(_ id: Int) -> (String) throws -> Void {
            { output in
                // A real rebuild; the explicit build id makes each build's bytes differ.
                let result = try Fixtures.run("/usr/bin/cc", ["-std=c11", "-O2", "-shared", "-fPIC", "-pthread",
                                                              "-I", Fixtures.header, String(format: "-Wl,--build-id=0x%08x", id),
                                                              source, "-o", output])
                XCTAssertEqual(result.status, 0, result.output)
            }
        }
        try install(build(1000), at: library)
        func sinkConfig(delay: Int) -> String {
            "plugin = \"\(library)\"\npath = \"\(dir)/sink.jsonl\"\ndelay_ms = \(delay)\n"
        }
        try write("10-sink.conf", sinkConfig(delay: 5))
        let (set, _) = ConfigSet.load(directory: dir + "/conf", environment: [:])
        XCTAssertEqual(runtime.startAll(set.instances).map(\.description), [])

        var changes: [() throws -> Void] = []
        for step in 1...25 {
            if step % 5 == 0 {
                changes.append { try self.install(build(1000 + step), at: library) }
            } else {
                changes.append { try self.write("10-sink.conf", sinkConfig(delay: step)) }
            }
        }
        let handedOver = try runLoad(sinkFile: "\(dir)/sink.jsonl", changes: changes)
        XCTAssertGreaterThan(handedOver, 0, "the delayed sink held deliveries when it drained")
        XCTAssertGreaterThan(runtime.services.registry.reloadsSucceeded.value, 25)
    }

    func testSwiftSinkChangedTwentyTimesAndReplacedFiveTimesUnderLoadLosesNothing() throws {
        let library = "\(dir)/libswift-sink.so"
        try FileManager.default.copyItem(atPath: Fixtures.swiftSink, toPath: library)
        func sinkConfig(generation: Int) -> String {
            "plugin = \"\(library)\"\npath = \"\(dir)/sink.jsonl\"\ngeneration = \(generation)\n"
        }
        try write("10-sink.conf", sinkConfig(generation: 0))
        let (set, _) = ConfigSet.load(directory: dir + "/conf", environment: [:])
        XCTAssertEqual(runtime.startAll(set.instances).map(\.description), [])

        var changes: [() throws -> Void] = []
        for step in 1...25 {
            if step % 5 == 0 {
                changes.append {
                    // A different image under the same name (Swift builds are too slow to repeat
                    // here; a trailing marker makes the bytes differ and keeps the ELF valid).
                    try self.install({ output in
                        var bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.swiftSink))
                        bytes.append(Data("build-\(step)".utf8))
                        try bytes.write(to: URL(fileURLWithPath: output))
                    }, at: library)
                }
            } else {
                changes.append { try self.write("10-sink.conf", sinkConfig(generation: step)) }
            }
        }
        try runLoad(sinkFile: "\(dir)/sink.jsonl", changes: changes)
    }
}
