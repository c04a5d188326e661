import CTributary
import Foundation
import TestSupport
import XCTest
@testable import TributaryHost

/// Delivery semantics (README.md, "Delivery"): a device is answered exactly once, and only with
/// OK when every matching sink took the event.
final class DeliveryTests: XCTestCase {
    private var state = ""
    private var runtime: HostRuntime!

    override func setUp() {
        state = Fixtures.temporaryDirectory("delivery")
        runtime = HostRuntime(settings: Fixtures.settings(stateDirectory: state))
    }

    override func tearDown() { runtime.stopAll() }

    private func sink(_ name: String, _ extra: String = "") throws -> InstanceConfig {
        try Fixtures.instance("plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(state)/\(name).jsonl\"\n\(extra)", file: "10-\(name).conf")
    }

    private func adapter(count: Int, _ extra: String = "") throws -> InstanceConfig {
        try Fixtures.instance("plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(state)/summary.json\"\ncount = \(count)\n\(extra)", file: "20-script.conf")
    }

    private func run(_ configs: [InstanceConfig]) throws -> [String: Any] {
        XCTAssertEqual(runtime.startAll(configs).map(\.description), [])
        return try Fixtures.waitForJSON("\(state)/summary.json")
    }

    func testAnEventForTwoSinksIsAcknowledgedOnlyAfterBoth() throws {
        let summary = try run([try sink("slow", "delay_ms = 200\ncomplete_from_thread = true"), try sink("fast"),
                               try adapter(count: 10, "window = 10")])
        // The slow sink records before completing, and the summary appears only after the last
        // completion, so every event must already be in both files.
        XCTAssertEqual(summary.int("ok"), 10)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/slow.jsonl").count, 10)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/fast.jsonl").count, 10)
    }

    func testOneFailingSinkFailsTheEventForTheDevice() throws {
        let summary = try run([try sink("broken", "outcome = \"error\""), try sink("fine"), try adapter(count: 10)])
        XCTAssertEqual(summary.int("ok"), 0)
        XCTAssertEqual(summary.int("other_error"), 10)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/fine.jsonl").count, 10, "the other sink still got every event")
    }

    func testCompletionsFromOtherThreadsArriveExactlyOnce() throws {
        let summary = try run([try sink("threaded", "complete_from_thread = true"), try sink("inline"),
                               try adapter(count: 3000, "window = 256")])
        XCTAssertEqual(summary.int("ok"), 3000)
        XCTAssertEqual(summary.int("duplicates"), 0)
        XCTAssertEqual(summary.int("pending"), 0)
        XCTAssertEqual(runtime.services.registry.unknownCompletions.value, 0)
    }

    func testBusyReachesTheAdapter() throws {
        let summary = try run([try sink("busy", "outcome = \"busy\""), try adapter(count: 20)])
        XCTAssertEqual(summary.int("busy"), 20)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/busy.jsonl").count, 0, "nothing was taken")
    }

    func testBusyReturnedFromTheHookReachesTheAdapter() throws {
        let summary = try run([try sink("busy", "outcome = \"busy-sync\""), try adapter(count: 20)])
        XCTAssertEqual(summary.int("busy"), 20)
    }

    func testErrorReturnedFromTheHookFailsTheEvent() throws {
        let summary = try run([try sink("down", "outcome = \"error-sync\""), try adapter(count: 20)])
        XCTAssertEqual(summary.int("unavailable"), 20)
    }

    func testRetryIsDeliveredAgain() throws {
        let summary = try run([try sink("flaky", "outcome = \"retry\"\nfail_first = 3"), try adapter(count: 5, "window = 1")])
        XCTAssertEqual(summary.int("ok"), 5)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/flaky.jsonl").count, 5)
        let sink = runtime.running.first { $0.config.name == "flaky" }!.record.metrics
        XCTAssertEqual(sink.deliveredRetry.value, 3)
        XCTAssertEqual(sink.deliveredOK.value, 5)
    }

    func testRetriesEndAfterTheLimit() throws {
        let summary = try run([try sink("dead", "outcome = \"retry\""), try adapter(count: 2, "window = 2")])
        XCTAssertEqual(summary.int("unavailable"), 2)
    }

    func testJSONThatIsNotJSONIsRejectedAndCounted() throws {
        let summary = try run([try sink("any"), try adapter(count: 4, "content_type = \"application/json\"\npayload = \"{not json\"")])
        XCTAssertEqual(summary.int("sync_rejected"), 4)
        let adapter = runtime.running.first { $0.config.name == "script" }!.record.metrics
        XCTAssertEqual(adapter.eventsRejected.value, 4)
    }

    func testSinkFiltersSelectApplicationsAndChannels() throws {
        let configs = [
            try sink("mine", "[filter]\napplications = [\"app\"]\nchannels = [\"telemetry\"]"),
            try sink("other-app", "[filter]\napplications = [\"someone-else\"]"),
            try sink("other-channel", "[filter]\nchannels = [\"state\"]"),
            try adapter(count: 3),
        ]
        XCTAssertEqual(try run(configs).int("ok"), 3)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/mine.jsonl").count, 3)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/other-app.jsonl").count, 0)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/other-channel.jsonl").count, 0)
    }

    func testStoppingFailsWhatTheSinkStillHolds() throws {
        var settings = Fixtures.settings(stateDirectory: state)
        settings.drainTimeoutMilliseconds = 300
        runtime = HostRuntime(settings: settings)
        XCTAssertEqual(runtime.startAll([try sink("stuck", "delay_ms = 60000"), try adapter(count: 30, "window = 30")]).map(\.description), [])
        let sinkRecord = runtime.running.first { $0.config.name == "stuck" }!.record
        _ = Fixtures.waitUntil(seconds: 10) { sinkRecord.metrics.inFlight.value >= 30 }
        runtime.stopAll()
        let summary = try Fixtures.waitForJSON("\(state)/summary.json")
        XCTAssertEqual(summary.int("published"), 30)
        XCTAssertEqual(summary.int("pending"), 0, "every event in flight was completed or failed")
        XCTAssertEqual(summary.int("ok") + summary.int("unavailable") + summary.int("cancelled"), 30)
        XCTAssertEqual(summary.int("duplicates"), 0)
    }

    func testAStuckSinkIsFailedAtTheDeadlineAndItsLateCompletionsAreCounted() throws {
        var settings = Fixtures.settings(stateDirectory: state)
        settings.drainTimeoutMilliseconds = 300
        runtime = HostRuntime(settings: settings)
        XCTAssertEqual(runtime.startAll([try sink("stuck", "delay_ms = 60000\nignore_drain = true"),
                                         try adapter(count: 30, "window = 30")]).map(\.description), [])
        let sinkRecord = runtime.running.first { $0.config.name == "stuck" }!.record
        _ = Fixtures.waitUntil(seconds: 10) { sinkRecord.metrics.inFlight.value >= 30 }
        runtime.stopAll()
        let summary = try Fixtures.waitForJSON("\(state)/summary.json")
        XCTAssertEqual(summary.int("unavailable"), 30, "failed by the host at the deadline")
        XCTAssertEqual(summary.int("pending"), 0)
        XCTAssertEqual(runtime.services.registry.unknownCompletions.value, 30, "the sink's completions after destroy began")
    }

    // MARK: The delivery window (max_in_flight) and batches (max_batch)

    private func boundedSink(_ name: String, _ extra: String = "") throws -> InstanceConfig {
        try Fixtures.instance("plugin = \"\(try Fixtures.fixture("bounded_sink"))\"\npath = \"\(state)/\(name).jsonl\"\n\(extra)", file: "10-\(name).conf")
    }

    private func pluginCounter(_ name: String, instance: String) -> Int {
        let prefix = "tributary_plugin_\(name){instance=\"\(instance)\"} "
        let line = runtime.services.registry.render().split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Int($0.dropFirst(prefix.count)) } ?? -1
    }

    func testWaitingEventsAreCoalescedIntoBatchesInPublishOrder() throws {
        // Two deliveries of 8 at most pending, each held 50 ms: 40 events in flight at once
        // (the adapter's window) exceed the sink's 2 + 16, so some would be refused as busy;
        // a window of 16 stays within the bound, waits, and leaves in batches.
        let summary = try run([try boundedSink("bounded", "delay_ms = 50\ncomplete_from_thread = true"),
                               try adapter(count: 160, "window = 16")])
        XCTAssertEqual(summary.int("ok"), 160)
        let seqs = Fixtures.jsonLines("\(state)/bounded.jsonl").compactMap { ($0["seq"] as? String).flatMap(Int.init) }
        XCTAssertEqual(seqs.count, 160)
        XCTAssertEqual(Set(seqs).count, 160)
        let batches = pluginCounter("recording_sink_batches_total", instance: "bounded")
        XCTAssertGreaterThan(batches, 0)
        XCTAssertLessThan(batches, 80, "events that waited left together (at most 8 per batch)")
        let sink = runtime.running.first { $0.config.name == "bounded" }!.record.metrics
        XCTAssertEqual(sink.deliveredBusy.value, 0)
    }

    func testPastTheWindowAndItsQueueThePublisherGetsBusyAndNothingIsTaken() throws {
        // 2 deliveries held for a minute, 16 events waiting behind them: of 40 published at
        // once, the rest are refused busy at once.
        var settings = Fixtures.settings(stateDirectory: state)
        settings.drainTimeoutMilliseconds = 300
        runtime = HostRuntime(settings: settings)
        XCTAssertEqual(runtime.startAll([try boundedSink("full", "delay_ms = 60000"),
                                         try adapter(count: 40, "window = 40")]).map(\.description), [])
        let sink = runtime.running.first { $0.config.name == "full" }!.record.metrics
        _ = Fixtures.waitUntil(seconds: 10) { sink.deliveredBusy.value >= 22 }
        XCTAssertEqual(sink.deliveredBusy.value, 22, "40 - 2 in flight - 16 waiting")
        XCTAssertEqual(sink.inFlight.value, 18, "queue depth counts the waiting events too")
        runtime.stopAll()
        let summary = try Fixtures.waitForJSON("\(state)/summary.json")
        XCTAssertEqual(summary.int("busy"), 22)
        XCTAssertEqual(summary.int("unavailable"), 18, "held and waiting events fail at shutdown, never acknowledged")
        XCTAssertEqual(Fixtures.jsonLines("\(state)/full.jsonl").count, 0)
    }

    // MARK: Pull consumers see only what every sink accepted

    func testPullConsumersSeeOnlyEventsEverySinkAccepted() throws {
        let subscriber = try Fixtures.instance(
            "plugin = \"\(try Fixtures.fixture("subscriber_adapter"))\"\nrecord = \"\(state)/pulled\"\napplication = \"app\"",
            file: "05-pulled.conf")
        // The first 5 deliveries fail; the device is told, so the consumer must not see them.
        let summary = try run([subscriber, try sink("picky", "outcome = \"error\"\nfail_first = 5"), try adapter(count: 12, "window = 1")])
        XCTAssertEqual(summary.int("ok"), 7)
        XCTAssertEqual(summary.int("other_error"), 5)
        func pulled() -> [String] {
            ((try? String(contentsOfFile: "\(state)/pulled.0", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        _ = Fixtures.waitUntil(seconds: 5) { pulled().count >= 7 }
        XCTAssertEqual(pulled().count, 7, "exactly the acknowledged events")
        XCTAssertEqual(Set(pulled().map { String($0.split(separator: " ")[0]) }), Set(Fixtures.jsonLines("\(state)/picky.jsonl").compactMap { $0["id"] as? String }))
    }

    // MARK: No re-entry from inside a completion

    func testPublishingFromDoneIntoASerialSinkThatCompletesInsideItsHookNeitherReentersNorDeadlocks() throws {
        let serial = try Fixtures.instance("plugin = \"\(try Fixtures.fixture("serial_sink"))\"\npath = \"\(state)/serial.jsonl\"",
                                           file: "10-serial.conf")
        XCTAssertEqual(runtime.startAll([serial]).map(\.description), [])
        let adapter = InstanceRecord(name: "chain", kind: .adapter, services: runtime.services)
        let republisher = Republisher(handle: adapter.handle, count: 50)
        republisher.publishNext()
        _ = Fixtures.waitUntil(seconds: 10) { republisher.statuses.withLock { $0.count } >= 50 }
        XCTAssertEqual(republisher.statuses.withLock { $0 }, Array(repeating: Int32(TRIB_OK), count: 50))
        XCTAssertEqual(Fixtures.jsonLines("\(state)/serial.jsonl").count, 50)
    }

    func testACompletionForADestroyedAdapterIsDroppedNotCalled() throws {
        XCTAssertEqual(runtime.startAll([try sink("slow", "delay_ms = 200\ncomplete_from_thread = true")]).map(\.description), [])
        let adapter = InstanceRecord(name: "gone", kind: .adapter, services: runtime.services)
        let republisher = Republisher(handle: adapter.handle, count: 1)
        republisher.publishNext()
        // The adapter is destroyed while its event waits in the sink.
        XCTAssertTrue(adapter.gate.close(deadlineNanoseconds: monotonicNanoseconds() + 1_000_000_000))
        let sinkMetrics = runtime.running.first { $0.config.name == "slow" }!.record.metrics
        _ = Fixtures.waitUntil(seconds: 5) { sinkMetrics.deliveredOK.value >= 1 }
        XCTAssertEqual(sinkMetrics.deliveredOK.value, 1, "the sink finished the delivery")
        XCTAssertEqual(republisher.statuses.withLock { $0 }, [], "and nothing called into the destroyed adapter")
    }

    func testADeliveryThatLosesTheRaceWithDestroyIsFailedNotSentToTheDestroyedSink() throws {
        XCTAssertEqual(runtime.startAll([try sink("retiring")]).map(\.description), [])
        let sink = runtime.running.first { $0.config.name == "retiring" }!.record
        // As destroy does, before the router has stopped choosing this sink.
        XCTAssertTrue(sink.gate.close(deadlineNanoseconds: monotonicNanoseconds() + 1_000_000_000))
        let adapter = InstanceRecord(name: "device-side", kind: .adapter, services: runtime.services)
        let republisher = Republisher(handle: adapter.handle, count: 1)
        republisher.publishNext()
        _ = Fixtures.waitUntil(seconds: 5) { !republisher.statuses.withLock { $0.isEmpty } }
        XCTAssertEqual(republisher.statuses.withLock { $0 }, [Int32(TRIB_ERR_UNAVAILABLE)], "the device hears it failed")
        XCTAssertEqual(Fixtures.jsonLines("\(state)/retiring.jsonl").count, 0, "the plugin never saw it")
    }
}
