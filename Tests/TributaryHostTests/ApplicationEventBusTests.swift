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
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, maxEvents: 2, maxBytes: 1 << 20, budget: bigBudget,
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
        try burstsArriveOnceAndInOrder(inline: false)
    }

    func testInlineSubscriptionsKeepOrderAndNeverOverlapUnderConcurrentPublishers() throws {
        try burstsArriveOnceAndInOrder(inline: true)
    }

    func testAnIdleInlineSubscriptionIsCalledOnThePublishersThread() throws {
        let bus = ApplicationEventBus()
        let recorder = Recorder()
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, maxEvents: nil, maxBytes: 1 << 20,
                                        budget: bigBudget, inline: true, handler: recordThread, context: recorder.context,
                                        release: countRelease, metrics: InstanceMetrics())
        bus.add(subscription)
        bus.publish(try makeRecord())
        XCTAssertEqual(recorder.all, ["\(UInt(bitPattern: Int(bitPattern: pthread_self())))"], "no hand-off when nothing waits")
        bus.remove(id: subscription.id)?.cancel()
        XCTAssertTrue(subscription.waitUntilReleased(deadlineNanoseconds: monotonicNanoseconds() + 5_000_000_000))
    }

    func testAPausingConsumerKeepsItsEventsQueuedUntilItResumes() throws {
        let bus = ApplicationEventBus()
        let metrics = InstanceMetrics()
        let consumer = FillingConsumer()
        consumer.full.store(true, ordering: .releasing)
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, maxEvents: nil, maxBytes: 1 << 20,
                                        budget: bigBudget, inline: true, pauseOnBusy: true, handler: fillingHandler,
                                        context: consumer.context, release: nil, metrics: metrics)
        bus.add(subscription)
        for n in 0..<10 { bus.publish(try makeRecord(payload: "e\(n)")) }
        XCTAssertEqual(consumer.refusals.load(ordering: .relaxed), 1, "refused once, then paused: not asked again")
        XCTAssertEqual(metrics.busDropped.value, 0, "a full consumer's events wait, they are not dropped")
        consumer.full.store(false, ordering: .releasing)
        subscription.resume()
        let deadline = Date().addingTimeInterval(5)
        while consumer.taken.withLock({ $0.count }) < 10 && Date() < deadline { usleep(1_000) }
        XCTAssertEqual(consumer.taken.withLock { $0 }, (0..<10).map { "e\($0)" }, "all of them, in order, from the refused one")
        XCTAssertEqual(metrics.busDelivered.value, 10)

        // Past its bound a paused queue drops what comes, and counts it.
        consumer.full.store(true, ordering: .releasing)
        let big = try makeRecord(payload: String(repeating: "x", count: 100_000))
        for _ in 0..<20 { bus.publish(big) }
        XCTAssertGreaterThan(metrics.busDropped.value, 0)
        bus.remove(id: subscription.id)?.cancel()
        XCTAssertTrue(subscription.waitUntilReleased(deadlineNanoseconds: monotonicNanoseconds() + 5_000_000_000))
    }

    private func burstsArriveOnceAndInOrder(inline: Bool) throws {
        let bus = ApplicationEventBus()
        let metrics = InstanceMetrics()
        let recorder = Recorder()
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, maxEvents: 20_000, maxBytes: 1 << 30, budget: bigBudget,
                                        inline: inline, handler: recordEventData, context: recorder.context, release: countRelease, metrics: metrics)
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

    private var bigBudget: BusBudget { BusBudget(limit: 1 << 30, gauge: Counter()) }

    /// A subscription whose handler blocks on `blocker` until the test releases it.
    private func blocked(_ bus: ApplicationEventBus, maxBytes: Int, budget: BusBudget, metrics: InstanceMetrics,
                         blocker: DispatchSemaphore) -> Subscription {
        let box = Unmanaged.passRetained(SemaphoreBox(blocker)).toOpaque()
        let subscription = Subscription(id: bus.makeID(), application: "app", channel: nil, group: nil, maxEvents: nil, maxBytes: maxBytes,
                                        budget: budget, handler: blockingHandler, context: box, release: releaseSemaphoreBox, metrics: metrics)
        bus.add(subscription)
        return subscription
    }

    func testQueuesAreBoundedInBytesAndAllShareTheHostBudget() throws {
        let record = try makeRecord(payload: String(repeating: "x", count: 1000))
        let size = record.byteCount
        XCTAssertGreaterThan(size, 1000)
        let gauge = Counter()
        // Its own bound: 10 events' worth (plus the one in the handler); the budget is ample.
        let bus = ApplicationEventBus()
        let blocker = DispatchSemaphore(value: 0)
        let metrics = InstanceMetrics()
        let own = blocked(bus, maxBytes: 10 * size, budget: BusBudget(limit: 1 << 30, gauge: gauge), metrics: metrics, blocker: blocker)
        for _ in 0..<50 { bus.publish(record) }
        XCTAssertGreaterThanOrEqual(metrics.busDropped.value, 39, "10 queued, 1 perhaps in the handler")
        XCTAssertLessThanOrEqual(gauge.value, Int64(11 * size))
        for _ in 0..<50 { blocker.signal() }
        let deadline = Date().addingTimeInterval(5)
        while metrics.busDelivered.value + metrics.busDropped.value < 50 && Date() < deadline { usleep(1_000) }
        XCTAssertEqual(metrics.busDelivered.value + metrics.busDropped.value, 50, "every event counted once")
        while gauge.value != 0 && Date() < deadline { usleep(1_000) }
        XCTAssertEqual(gauge.value, 0, "delivered events give their bytes back")
        bus.remove(id: own.id)?.cancel()

        // Two consumers with large own bounds share a budget of 8 events.
        let shared = BusBudget(limit: 8 * size, gauge: Counter())
        let secondBus = ApplicationEventBus()
        let firstMetrics = InstanceMetrics(), secondMetrics = InstanceMetrics()
        let held = DispatchSemaphore(value: 0)
        let first = blocked(secondBus, maxBytes: 1 << 30, budget: shared, metrics: firstMetrics, blocker: held)
        let second = blocked(secondBus, maxBytes: 1 << 30, budget: shared, metrics: secondMetrics, blocker: held)
        for _ in 0..<20 { secondBus.publish(record) }
        XCTAssertGreaterThanOrEqual(firstMetrics.busDropped.value + secondMetrics.busDropped.value, 40 - 8 - 2,
                                    "together they hold no more than the budget")
        for _ in 0..<40 { held.signal() }
        secondBus.remove(id: first.id)?.cancel()
        secondBus.remove(id: second.id)?.cancel()
    }

    private func makeRecord(payload: String = "x") throws -> EventRecord {
        var record: EventRecord?
        try withPluginBufferMessage(payload: payload) { message in record = try EventNormalizer().normalize(message, nowUnixNanoseconds: 0) }
        return record!
    }
}
