import CTributary
import TributarySDK
import TestSupport
import XCTest
@testable import TributaryHost

/// Best-effort commands through the host table, as adapters use them.
final class CommandBusTests: XCTestCase {
    private let services = HostServices(normalizer: EventNormalizer())
    private lazy var adapter = InstanceRecord(name: "adapter", kind: .adapter, services: services)
    private let api = HostAPITable.pointer.pointee

    private func addRoute(_ application: String, _ device: String, _ recorder: Recorder) -> UInt64 {
        var id: UInt64 = 0
        let status = withPluginBuffers([application, device]) { b in
            api.command_route_add(adapter.handle, b[0], b[1], recordCommand, recorder.context, countRelease, &id)
        }
        XCTAssertEqual(status, Int32(TRIB_OK))
        return id
    }

    private func send(_ application: String, _ device: String, _ name: String, _ payload: String = "{}") -> Status {
        withPluginBuffers([application, device, name, "application/json", payload]) { b in
            var command = trib_type_plugin_command(struct_size: UInt32(MemoryLayout<trib_type_plugin_command>.size), application: b[0],
                                            device: b[1], command: b[2], content_type: b[3], payload: b[4])
            return Status(rawValue: api.command_send(adapter.handle, &command))
        }
    }

    private func sendAsync(_ application: String, _ device: String, _ name: String, _ waiter: Recorder) {
        withPluginBuffers([application, device, name, "", ""]) { b in
            var command = trib_type_plugin_command(struct_size: UInt32(MemoryLayout<trib_type_plugin_command>.size), application: b[0],
                                                   device: b[1], command: b[2], content_type: b[3], payload: b[4])
            XCTAssertEqual(api.command_send_async(adapter.handle, &command, recordCommandDone, waiter.context), Int32(TRIB_PENDING))
        }
    }

    func testAWaitingSenderLearnsTheOutcomeTheRouteReportsLater() throws {
        let declining = Recorder(answer: Int32(TRIB_ERR_NOT_FOUND)), relaying = Recorder(answer: Int32(TRIB_PENDING))
        _ = addRoute("app", "", declining)
        _ = addRoute("app", "", relaying)
        let waiter = Recorder()
        sendAsync("app", "sensor", "port:2", waiter)
        XCTAssertEqual(waiter.all, [], "nothing yet: the route's network has not answered")
        let op = try XCTUnwrap(relaying.operations.withLock { $0.first })
        XCTAssertNotEqual(op, 0, "the route sees that somebody waits")
        XCTAssertEqual(declining.all.count, 1, "a route that declines passes the command on")

        let stranger = InstanceRecord(name: "stranger", kind: .adapter, services: services)
        api.complete_command(stranger.handle, op, Int32(TRIB_OK))
        XCTAssertEqual(waiter.all, [], "only the instance holding the route completes it")
        XCTAssertEqual(services.registry.unknownCompletions.value, 1)
        DispatchQueue.global().async { [api, adapter] in api.complete_command(adapter.handle, op, Int32(TRIB_ERR_REJECTED)) }
        XCTAssertEqual(waiter.wait(for: 1), ["rejected"])
        api.complete_command(adapter.handle, op, Int32(TRIB_OK))
        XCTAssertEqual(waiter.all, ["rejected"], "exactly once")

        XCTAssertEqual(send("app", "sensor", "x"), .ok, "a sender that does not wait: a pending route has taken it")
        XCTAssertEqual(relaying.operations.withLock { $0.last }, 0)
    }

    func testImmediateAnswersAndNoRouteCompleteTheWaitAtOnce() {
        let route = Recorder()
        _ = addRoute("app", "device1", route)
        let waiter = Recorder()
        sendAsync("app", "device1", "x", waiter)
        XCTAssertEqual(waiter.all, ["ok"])
        sendAsync("app", "nobody", "x", waiter)
        XCTAssertEqual(waiter.all, ["ok", "not found"])
        XCTAssertEqual(route.all.count, 1)
    }

    func testAPendingCommandFailsWhenTheRoutesInstanceGoesAway() {
        let route = Recorder(answer: Int32(TRIB_PENDING))
        _ = addRoute("app", "device1", route)
        let waiter = Recorder()
        sendAsync("app", "device1", "x", waiter)
        XCTAssertEqual(waiter.all, [])
        adapter.releaseBusResources()
        XCTAssertEqual(waiter.all, ["unavailable"], "never left waiting")
    }

    func testACommandReachesTheLiveRouteOfItsDevice() {
        let device = Recorder()
        _ = addRoute("app", "device1", device)
        XCTAssertEqual(send("app", "device1", "set-led", "{\"on\":true}"), .ok)
        XCTAssertEqual(device.all, ["app/device1 set-led {\"on\":true}"])
        XCTAssertEqual(services.registry.commandsDelivered.value, 1)
    }

    func testWithoutALiveRouteTheSenderLearnsIt() {
        _ = addRoute("app", "device1", Recorder())
        XCTAssertEqual(send("app", "device2", "reboot"), .notFound)
        XCTAssertEqual(send("other", "device1", "reboot"), .notFound)
        XCTAssertEqual(services.registry.commandsWithoutRoute.value, 2)
    }

    func testWildcardRoutesServeGatewaysAndMayDecline() {
        let gateway = Recorder()
        let declining = Recorder(answer: Int32(TRIB_ERR_NOT_FOUND))
        _ = addRoute("app", "", declining)
        XCTAssertEqual(send("app", "sensor-9", "ping"), .notFound)
        _ = addRoute("app", "", gateway)
        XCTAssertEqual(send("app", "sensor-9", "ping"), .ok)
        XCTAssertEqual(gateway.all, ["app/sensor-9 ping {}"])
    }

    func testExactRoutesComeBeforeWildcards() {
        let exact = Recorder(), wildcard = Recorder()
        _ = addRoute("app", "", wildcard)
        _ = addRoute("app", "device1", exact)
        XCTAssertEqual(send("app", "device1", "x"), .ok)
        XCTAssertEqual(exact.all.count, 1)
        XCTAssertEqual(wildcard.all.count, 0)
    }

    func testRemovedRoutesAreReleasedOnceAndTakeNothing() {
        let device = Recorder()
        let id = addRoute("app", "device1", device)
        api.command_route_remove(adapter.handle, id)
        api.command_route_remove(adapter.handle, id)
        XCTAssertEqual(device.releases.load(ordering: .relaxed), 1)
        XCTAssertEqual(send("app", "device1", "x"), .notFound)
        XCTAssertEqual(device.all, [])
    }

    func testAnInstanceGoingAwayReleasesItsRoutes() {
        let device = Recorder()
        _ = addRoute("app", "device1", device)
        adapter.releaseBusResources()
        XCTAssertEqual(device.releases.load(ordering: .relaxed), 1)
        XCTAssertEqual(send("app", "device1", "x"), .notFound)
    }

    func testRoutesOfOneTargetKeepTheirOrderAndManyComeAndGoOneByOne() {
        let first = Recorder(answer: Int32(TRIB_ERR_NOT_FOUND)), second = Recorder(), third = Recorder()
        let a = addRoute("app", "device1", first)
        let b = addRoute("app", "device1", second)
        _ = addRoute("app", "device1", third)
        XCTAssertEqual(send("app", "device1", "one"), .ok)
        XCTAssertEqual(first.all.count, 1, "the oldest route is offered first, and declines")
        XCTAssertEqual(second.all.count, 1, "the next one takes it")
        XCTAssertEqual(third.all.count, 0)
        api.command_route_remove(adapter.handle, b)
        XCTAssertEqual(send("app", "device1", "two"), .ok)
        XCTAssertEqual(third.all.count, 1, "removing one in the middle keeps the rest in order")
        api.command_route_remove(adapter.handle, a)

        // One client subscribing the same filter over and over must not make its disconnect
        // quadratic: 100,000 routes on one target, removed one by one.
        let many = Recorder()
        let ids = (0..<100_000).map { _ in addRoute("app", "flood", many) }
        for id in ids { api.command_route_remove(adapter.handle, id) }
        XCTAssertEqual(send("app", "flood", "x"), .notFound)
        XCTAssertEqual(many.releases.load(ordering: .relaxed), 100_000, "each released once")
    }
}
