import Foundation
import TestSupport
import XCTest
@testable import TributaryHost

/// Pull consumers: shared groups split the stream, others see all of it.
final class ApplicationEventBusTests: XCTestCase {
    private var state = ""
    private var runtime: HostRuntime!

    override func setUp() {
        state = Fixtures.temporaryDirectory("bus")
        runtime = HostRuntime(settings: Fixtures.settings(stateDirectory: state))
    }

    override func tearDown() { runtime.stopAll() }

    private func subscriber(_ name: String, _ extra: String) throws -> InstanceConfig {
        try Fixtures.instance("plugin = \"\(try Fixtures.fixture("subscriber_adapter"))\"\nrecord = \"\(state)/\(name)\"\napplication = \"app\"\n\(extra)", file: "10-\(name).conf")
    }

    private func ids(_ file: String) -> [String] {
        ((try? String(contentsOfFile: "\(state)/\(file)", encoding: .utf8)) ?? "").split(separator: "\n").map { String($0.split(separator: " ")[0]) }
    }

    private func waitFor(_ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !condition() && Date() < deadline { usleep(10_000) }
    }

    func testSharedGroupMembersSplitAndOtherConsumersGetEverything() throws {
        let configs = [
            try subscriber("group", "group = \"workers\"\nmembers = 2"),
            try subscriber("solo", ""),
            try subscriber("second-group", "group = \"audit\""),
            try subscriber("filtered", "channel = \"state\""),
            try Fixtures.instance("plugin = \"\(try Fixtures.fixture("script_adapter"))\"\nrecord = \"\(state)/summary.json\"\ncount = 200", file: "20-script.conf"),
        ]
        XCTAssertEqual(runtime.startAll(configs).map(\.description), [])
        XCTAssertEqual(try Fixtures.waitForJSON("\(state)/summary.json").int("ok"), 200)
        waitFor { ids("group.0").count + ids("group.1").count == 200 && ids("solo.0").count == 200 && ids("second-group.0").count == 200 }

        let first = ids("group.0"), second = ids("group.1")
        XCTAssertFalse(first.isEmpty)
        XCTAssertFalse(second.isEmpty)
        XCTAssertTrue(Set(first).isDisjoint(with: second), "no event went to two members of one group")
        XCTAssertEqual(Set(first).union(second), Set(ids("solo.0")), "together the group saw everything")
        XCTAssertEqual(Set(ids("solo.0")).count, 200)
        XCTAssertEqual(Set(ids("second-group.0")), Set(ids("solo.0")), "another group gets everything too")
        XCTAssertEqual(ids("filtered.0").count, 0, "a channel filter filters")
    }

    func testAFullQueueDropsAndCounts() throws {
        let bus = ApplicationEventBus()
        let metrics = InstanceMetrics()
        let blocker = DispatchSemaphore(value: 0)
        let box = Unmanaged.passRetained(SemaphoreBox(blocker)).toOpaque()
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, capacity: 2,
                                        handler: blockingHandler, context: box, release: releaseSemaphoreBox, metrics: metrics)
        bus.add(subscription)
        let record = try makeRecord()
        for _ in 0..<10 { bus.publish(record) }
        for _ in 0..<10 { blocker.signal() }
        let deadline = Date().addingTimeInterval(5)
        while metrics.busDelivered.value + metrics.busDropped.value < 10 && Date() < deadline { usleep(1_000) }
        XCTAssertGreaterThanOrEqual(metrics.busDropped.value, 7, "capacity 2 plus at most one in the handler")
        XCTAssertEqual(metrics.busDelivered.value + metrics.busDropped.value, 10)
        XCTAssertEqual(metrics.busDropped.samples.map(\.label), ["app"], "counted under the event's application")
        bus.remove(id: subscription.id)?.cancel()
    }

    func testBurstsFromSeveralPublishersArriveOnceAndInOrder() throws {
        let bus = ApplicationEventBus()
        let metrics = InstanceMetrics()
        let recorder = Recorder()
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, capacity: 20_000,
                                        handler: recordEventData, context: recorder.context, release: countRelease, metrics: metrics)
        bus.add(subscription)
        let publishers = 2, perPublisher = 5_000
        let records = try (0..<publishers).map { publisher in
            try (0..<perPublisher).map { try makeRecord(payload: "p\(publisher)-\($0)") }
        }
        DispatchQueue.concurrentPerform(iterations: publishers) { publisher in
            for record in records[publisher] { bus.publish(record) }
        }
        let seen = recorder.wait(for: publishers * perPublisher)
        XCTAssertEqual(seen.count, publishers * perPublisher)
        XCTAssertEqual(Set(seen).count, seen.count, "no event twice")
        for publisher in 0..<publishers {
            let own = seen.filter { $0.hasPrefix("p\(publisher)-") }
            XCTAssertEqual(own, (0..<perPublisher).map { "p\(publisher)-\($0)" }, "each publisher's events in its order")
        }
        XCTAssertEqual(metrics.busDelivered.value, Int64(publishers * perPublisher))

        bus.remove(id: subscription.id)?.cancel()
        bus.publish(try makeRecord(payload: "late"))
        XCTAssertTrue(subscription.waitUntilReleased(deadlineNanoseconds: monotonicNanoseconds() + 5_000_000_000))
        XCTAssertEqual(recorder.releases.load(ordering: .relaxed), 1)
        XCTAssertFalse(recorder.all.contains("late"), "nothing after unsubscribing")
    }

    private func makeRecord(payload: String = "x") throws -> EventRecord {
        var record: EventRecord?
        try withPluginBufferMessage(payload: payload) { message in record = try EventNormalizer().normalize(message, nowUnixNanoseconds: 0) }
        return record!
    }
}
