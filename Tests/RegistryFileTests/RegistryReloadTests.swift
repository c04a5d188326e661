import Dispatch
import Foundation
import Synchronization
import TestSupport
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// The watched file: a valid new version applies to the next request, an invalid one is refused
/// with its position while the previous one stays in force.
final class RegistryReloadTests: RegistryTestCase {
    private func version(password: String, extraDevice: String? = nil) -> [String: Any] {
        var devices = [Resource.device("device1", in: "app", credentials: [["pass": password]])]
        if let extraDevice { devices.append(Resource.device(extraDevice, in: "app", credentials: [["pass": password]])) }
        return ["applications": [Resource.application("app")], "devices": devices]
    }

    override func setUpWithError() throws {
        try load(version(password: "first"))
        // Requests here fail on purpose in a tight loop: lift the failure budget out of the way.
        registry.stop()
        registry = try fixture.instance([("failure_burst", .integer(1_000_000)), ("failures_per_minute", .integer(1_000_000))])
    }

    /// Polls until `condition` holds (the watcher settles for 300 ms after the last change).
    private func eventually(_ what: String, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            guard Date() < deadline else { return XCTFail("timed out waiting for \(what)") }
            usleep(20_000)
        }
    }

    func testAValidNewVersionIsSwappedInByTheWatcher() throws {
        try registry.start()
        XCTAssertEqual(registry.password("app", "device1", "first"), ok("app", "device1"))
        try fixture.write(version(password: "second", extraDevice: "device2"))
        eventually("the new version") { registry.password("app", "device1", "second") == ok("app", "device1") }
        XCTAssertEqual(registry.password("app", "device1", "first"), unauthenticated)
        XCTAssertEqual(registry.password("app", "device2", "second"), ok("app", "device2"))
        XCTAssertEqual(registry.metrics.reloads.value, 1)
        XCTAssertEqual(fixture.logs.all.last, "info: registry: \(fixture.path): reloaded, 1 applications, 2 devices, 0 users")
    }

    func testAnInvalidVersionIsRefusedWithItsPositionAndThePreviousOneStays() throws {
        try registry.start()
        try fixture.write(text: "{\n  \"applications\": [\n    {\"metadata\": {\"name\": \"app\"}\n  ]\n}\n")
        eventually("the refusal") { registry.metrics.reloadErrors.value == 1 }
        XCTAssertEqual(fixture.logs.all.last, "error: registry: \(fixture.path): line 4 column 3: expected ',' or '}'")
        XCTAssertEqual(registry.password("app", "device1", "first"), ok("app", "device1"))
        XCTAssertEqual(registry.metrics.reloads.value, 0)

        // The next valid version applies.
        try fixture.write(version(password: "second"))
        eventually("the fixed version") { registry.password("app", "device1", "second") == ok("app", "device1") }
        XCTAssertEqual(registry.metrics.reloads.value, 1)
    }

    func testContentErrorsAndAMissingFileAlsoKeepThePreviousVersion() throws {
        try fixture.write(text: #"{"devices": [{"metadata": {"name": "d", "application": "gone"}}]}"#)
        XCTAssertFalse(registry.reload())
        XCTAssertEqual(fixture.logs.all.last, "error: registry: \(fixture.path): line 1 column 56: device 'd' names unknown application 'gone'")
        try FileManager.default.removeItem(atPath: fixture.path)
        XCTAssertFalse(registry.reload())
        XCTAssertEqual(fixture.logs.all.last, "error: registry: \(fixture.path): cannot open: No such file or directory")
        XCTAssertEqual(registry.password("app", "device1", "first"), ok("app", "device1"))
        XCTAssertEqual(registry.metrics.reloadErrors.value, 2)
    }

    func testSwapsAreWholeUnderConcurrentRequests() throws {
        let stop = Atomic<Bool>(false)
        let odd = Mutex<[DeviceVerdict]>([])
        let requests = Thread { [registry] in
            while !stop.load(ordering: .relaxed) {
                // Each version has exactly one of the two devices, with the password it names.
                for name in ["one", "two"] {
                    let verdict = registry!.password("app", name, name)
                    if verdict != ok("app", name) && verdict != unauthenticated { odd.withLock { $0.append(verdict ?? deferred) } }
                }
            }
        }
        requests.start()
        for round in 0..<40 {
            let name = round % 2 == 0 ? "one" : "two"
            try fixture.write(["applications": [Resource.application("app")],
                               "devices": [Resource.device(name, in: "app", credentials: [["pass": name]])]])
            XCTAssertTrue(registry.reload())
        }
        stop.store(true, ordering: .relaxed)
        XCTAssertEqual(odd.withLock { $0 }, [])
        XCTAssertEqual(registry.password("app", "two", "two"), ok("app", "two"))
        XCTAssertEqual(registry.password("app", "one", "one"), unauthenticated)
        XCTAssertEqual(registry.metrics.reloads.value, 40)
    }
}
