import TributaryNet
import TributarySDK
import XCTest
@testable import TTNCore

/// The downlink targets in-process, on a clock the test moves: what wins, what expires, what the
/// bound drops, and when an application gets or loses its route.
final class DownlinkDirectoryTests: XCTestCase {
    private let clock = ManualClock()

    private func target(_ name: String) throws -> DownlinkTarget {
        DownlinkTarget(url: try HTTPURL("https://ns.example/\(name)/down/replace"), apiKey: "key-\(name)")
    }

    private func api(_ json: String) throws -> ConfiguredDownlinkAPI {
        try ConfiguredDownlinkAPI(JSONField(node: PositionedJSONParser.parse(Array(json.utf8)), path: "spec.ttn.api"))
    }

    func testTheAnnouncedTargetWinsAndTheApplicationsAPIServesTheRest() throws {
        let directory = DownlinkDirectory(capacity: 10, ttlNanoseconds: 60_000_000_000, clock: clock)
        let configured = try api("{\"url\": \"https://eu1.example/api/v3/as/applications/a/webhooks/w/devices/\", \"apiKey\": \"K\"}")
        XCTAssertTrue(directory.learn(application: "app", device: "node1", announced: try target("node1"), configured: configured),
                      "the first uplink of an application asks for its route")
        XCTAssertTrue(directory.routeAdded(7, for: "app"))
        XCTAssertFalse(directory.learn(application: "app", device: "node2", announced: nil, configured: configured), "one route per application")
        XCTAssertEqual(directory.target(application: "app", device: "node1", mode: .replace, allowHTTP: false), try target("node1"))
        XCTAssertEqual(directory.target(application: "app", device: "node 2", mode: .push, allowHTTP: false)?.url.description,
                       "https://eu1.example/api/v3/as/applications/a/webhooks/w/devices/node%202/down/push")
        XCTAssertNil(directory.target(application: "other", device: "node1", mode: .replace, allowHTTP: false))
    }

    func testTargetsExpireWithoutUplinksAndEmptyApplicationsLoseTheirRoute() throws {
        let directory = DownlinkDirectory(capacity: 10, ttlNanoseconds: 60_000_000_000, clock: clock)
        XCTAssertTrue(directory.learn(application: "app", device: "node1", announced: try target("node1"), configured: nil))
        XCTAssertTrue(directory.routeAdded(7, for: "app"))
        clock.advance(byMilliseconds: 30_000)
        XCTAssertEqual(directory.expire(), [], "still fresh")
        clock.advance(byMilliseconds: 31_000)
        XCTAssertNil(directory.target(application: "app", device: "node1", mode: .replace, allowHTTP: false), "expired: not used")
        XCTAssertEqual(directory.expire(), [7], "nothing left: the route goes")
        XCTAssertEqual(directory.count, 0)
        XCTAssertTrue(directory.learn(application: "app", device: "node1", announced: try target("node1"), configured: nil),
                      "a later uplink brings the route back")
    }

    func testTheBoundKeepsTheNewestDevice() throws {
        let directory = DownlinkDirectory(capacity: 2, ttlNanoseconds: 60_000_000_000, clock: clock)
        for name in ["a", "b", "c"] {
            _ = directory.learn(application: "app", device: name, announced: try target(name), configured: nil)
        }
        XCTAssertEqual(directory.count, 2)
        XCTAssertEqual(directory.evictions, 1)
        XCTAssertNotNil(directory.target(application: "app", device: "c", mode: .replace, allowHTTP: false))
    }

    func testAnnouncedURLsMustBeHTTPSUnlessAllowed() {
        XCTAssertNil(DownlinkTarget.announced(push: "http://ns.local/down/push", replace: nil, apiKey: "k", mode: .replace, allowHTTP: false))
        XCTAssertEqual(DownlinkTarget.announced(push: "http://ns.local/down/push", replace: nil, apiKey: "k", mode: .replace, allowHTTP: true)?
            .url.description, "http://ns.local/down/push", "only push announced: push it is")
        XCTAssertNil(DownlinkTarget.announced(push: "https://ns.example/down/push", replace: nil, apiKey: nil, mode: .push, allowHTTP: false),
                     "no key, no target")
    }

    func testCommandNamesChooseThePort() throws {
        func frame(_ name: String) throws -> (port: Int, payload: [UInt8]) {
            let body = try PositionedJSONParser.parse(DownlinkSender.body(for: Command(application: "a", device: "d", name: name,
                                                                                      payload: Array("hi".utf8))))
            let downlink = try JSONField(node: body, path: "").required("downlinks").elements()[0]
            return (Int(try downlink.required("f_port").integer(in: 0...255)),
                    try XCTUnwrap(Base64.decode(try downlink.required("frm_payload").string())))
        }
        XCTAssertEqual(try frame("port:223").port, 223)
        XCTAssertEqual(try frame("port:223").payload, Array("hi".utf8))
        for name in ["port:0", "port:224", "port:x", "reboot"] {
            let (port, payload) = try frame(name)
            XCTAssertEqual(port, 1, name)
            XCTAssertEqual(String(decoding: payload, as: UTF8.self), "{\"command\":\"\(name)\",\"command_payload\":\"aGk=\"}", name)
        }
    }
}
