import Foundation
import TestSupport
import XCTest

/// Commands through the application command API to the stand-in network server: the URL an
/// uplink announced, or the application's configured API; and its failures reported back.
final class TTNDownlinkTests: XCTestCase {
    nonisolated(unsafe) private static var shared: TTNTestHost?
    private var host: TTNTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? TTNTestHost() }
    override class func tearDown() { shared = nil }

    private func frame(_ downlink: [String: Any]) throws -> (port: Int, payload: Data) {
        let body = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(downlink["body"] as? String).utf8)) as? [String: Any])
        let first = try XCTUnwrap((body["downlinks"] as? [[String: Any]])?.first)
        return (try XCTUnwrap(first["f_port"] as? Int), try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(first["frm_payload"] as? String))))
    }

    private func downlink(to pathSuffix: String) throws -> [String: Any] {
        let host = try host
        var found: [String: Any]?
        XCTAssertTrue(Fixtures.waitUntil { found = host.downlinks.last { ($0["path"] as? String)?.hasSuffix(pathSuffix) == true }; return found != nil },
                      "a downlink reached \(pathSuffix): \(host.downlinks)")
        return try XCTUnwrap(found)
    }

    /// The announced target wins over the application's configured API.
    func testHeaderAnnouncedDownlink() throws {
        let host = try host
        let base = "http://127.0.0.1:\(host.networkServerPort)/api/v3/as/applications/ttn-app/webhooks/announced/devices/eui-raw/down"
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-raw"),
                                     headers: ["X-Downlink-Push: \(base)/push", "X-Downlink-Replace: \(base)/replace",
                                               "X-Downlink-Apikey: NNSXS.ANNOUNCED"]).status, 202)
        XCTAssertEqual(try host.command(device: "eui-raw", name: "port:5", payload: "hello").status, 202, "the network server took it")
        let sent = try downlink(to: "/webhooks/announced/devices/eui-raw/down/replace")
        XCTAssertEqual(sent["authorization"] as? String, "Bearer NNSXS.ANNOUNCED")
        XCTAssertEqual(sent["content_type"] as? String, "application/json")
        let (port, payload) = try frame(sent)
        XCTAssertEqual(port, 5, "port:N sends on port N")
        XCTAssertEqual(String(decoding: payload, as: UTF8.self), "hello", "the payload as it is")
    }

    func testConfiguredDownlinkAndDrogueCommandShape() throws {
        let host = try host
        // An uplink without headers teaches the adapter the application; its spec.ttn.api decides.
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-full")).status, 202)
        XCTAssertEqual(try host.command(device: "eui-fields", name: "set-led", payload: "on").status, 202)
        let sent = try downlink(to: "/webhooks/tributary/devices/eui-fields/down/replace")
        XCTAssertEqual(sent["authorization"] as? String, "Bearer NNSXS.CONFIGURED")
        let (port, payload) = try frame(sent)
        XCTAssertEqual(port, 1, "any other command goes to port 1")
        let wrapped = try XCTUnwrap(try JSONSerialization.jsonObject(with: payload) as? [String: String])
        XCTAssertEqual(wrapped["command"], "set-led")
        XCTAssertEqual(wrapped["command_payload"], Data("on".utf8).base64EncodedString())
    }

    func testNetworkServerFailuresReachTheSender() throws {
        let host = try host
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-full")).status, 202)
        let refused = try host.command(device: "fail4", name: "port:2", payload: "x")
        XCTAssertEqual(refused.status, 502, "4xx: refused")
        XCTAssertTrue(refused.body.contains("refused"), refused.body)
        XCTAssertEqual(try host.command(device: "fail5", name: "port:2", payload: "x").status, 503, "5xx: unavailable")
        let started = Date()
        XCTAssertEqual(try host.command(device: "slow", name: "port:2", payload: "x").status, 503, "no answer within downlink_timeout_ms")
        XCTAssertLessThan(Date().timeIntervalSince(started), 4.5, "the sender is answered at the timeout, not when the server wakes")
    }
}
