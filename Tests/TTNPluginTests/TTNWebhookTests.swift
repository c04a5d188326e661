import Foundation
import TestSupport
import XCTest

/// Uplink webhooks posted with curl, as The Things Stack and The Things Network post them.
final class TTNWebhookTests: XCTestCase {
    nonisolated(unsafe) private static var shared: TTNTestHost?
    private var host: TTNTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? TTNTestHost() }
    override class func tearDown() { shared = nil }

    private func extensions(_ event: [String: Any]) -> [String: String] {
        ["lorawanport", "hwaddr", "fcnt", "lorawanretry", "dataschema", "sender"].reduce(into: [:]) { $0[$1] = $1.isEmpty ? nil : event[$1] as? String }
    }

    func testV3UplinkInEachPayloadMode() throws {
        let host = try host
        for device in ["eui-raw", "eui-fields", "eui-full"] {
            XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: device)).status, 202, device)
        }
        let raw = try XCTUnwrap(host.event(device: "eui-raw", channel: "1"))
        XCTAssertEqual(raw["datacontenttype"] as? String, "application/octet-stream")
        XCTAssertEqual(raw["data_base64"] as? String, "vu8=", "the frame's own bytes")
        XCTAssertEqual(raw["time"] as? String, "2020-02-12T15:15:45.514598Z", "the uplink's received_at (to the microsecond) is the event time")
        XCTAssertEqual(extensions(raw), ["lorawanport": "1", "hwaddr": "0004A30B001C0530", "fcnt": "25",
                                         "dataschema": "urn:temperature:v1", "sender": "ttn-gateway"])
        XCTAssertEqual(raw["application"] as? String, "ttn-app")

        let fields = try XCTUnwrap(host.event(device: "eui-fields", channel: "1"))
        XCTAssertEqual(fields["datacontenttype"] as? String, "application/json")
        XCTAssertEqual(fields["data"] as? [String: Double], ["temperature": 21.5, "humidity": 43], "the decoded payload")

        let full = try XCTUnwrap(host.event(device: "eui-full", channel: "1"))
        XCTAssertEqual(full["datacontenttype"] as? String, "application/json")
        let document = try XCTUnwrap(full["data"] as? [String: Any], "the whole webhook body")
        XCTAssertEqual((document["uplink_message"] as? [String: Any])?["f_cnt"] as? Int, 25)
        XCTAssertNotNil((document["uplink_message"] as? [String: Any])?["rx_metadata"])
    }

    func testV3UplinkWithoutFramePayloadOrDecodedPayload() throws {
        let host = try host
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-raw", decoded: false, frmPayload: false)
            .replacingOccurrences(of: "\"f_port\": 1", with: "\"f_port\": 9")).status, 202)
        let raw = try XCTUnwrap(host.event(device: "eui-raw", channel: "9"))
        XCTAssertNil(raw["data_base64"] ?? raw["data"], "no frm_payload: empty data")
        XCTAssertNil(raw["dataschema"], "port 9 has no data schema")
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-fields", decoded: false)
            .replacingOccurrences(of: "\"f_port\": 1", with: "\"f_port\": 9")).status, 202)
        let fields = try XCTUnwrap(host.event(device: "eui-fields", channel: "9"))
        XCTAssertTrue(fields["data"] is NSNull, "no decoded payload: JSON null")
    }

    func testV2UplinkOnBothPaths() throws {
        let host = try host
        XCTAssertEqual(try host.post("/ttn/v2", TTNDocuments.v2Uplink(device: "eui-raw", retry: true)).status, 202)
        let raw = try XCTUnwrap(host.event(device: "eui-raw", channel: "2"))
        XCTAssertEqual(raw["data_base64"] as? String, "AQIDBA==")
        XCTAssertEqual(raw["time"] as? String, "2017-01-23T09:44:36.567000Z", "metadata.time")
        XCTAssertEqual(extensions(raw), ["lorawanport": "2", "hwaddr": "0102030405060708", "fcnt": "7", "lorawanretry": "true",
                                         "sender": "ttn-gateway"])
        XCTAssertEqual(try host.post("/ttn/", TTNDocuments.v2Uplink(device: "eui-fields")).status, 202, "v2's old path")
        let fields = try XCTUnwrap(host.event(device: "eui-fields", channel: "2"))
        XCTAssertEqual(fields["data"] as? [String: Bool], ["led": true], "payload_fields")
        XCTAssertEqual(fields["lorawanretry"] as? String, "false")
    }

    func testOtherV3MessagesArePublishedOnTheirChannelOrAcknowledged() throws {
        let host = try host
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3JoinAccept(device: "eui-full")).status, 202)
        let join = try XCTUnwrap(host.event(device: "eui-full", channel: "join_accept"))
        XCTAssertNotNil((join["data"] as? [String: Any])?["join_accept"], "the whole message")
        XCTAssertNil(join["lorawanport"])
        let before = host.events.count
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Unknown(device: "eui-full")).status, 202, "acknowledged")
        XCTAssertTrue(host.base.waitUntilEveryPublishEnded())
        XCTAssertEqual(host.events.count, before, "an unknown message type is not published")
    }

    func testMalformedWebhooksAreRefusedWithTheReason() throws {
        let host = try host
        let notJSON = try host.post("/ttn/v3", "{\"end_device_ids\": ")
        XCTAssertEqual(notJSON.status, 400)
        XCTAssertTrue(notJSON.body.contains("unexpected end"), notJSON.body)
        let missing = try host.post("/ttn/v3", "{\"end_device_ids\": {}, \"uplink_message\": {}}")
        XCTAssertEqual(missing.status, 400)
        XCTAssertTrue(missing.body.contains("end_device_ids: 'device_id' is required"), missing.body)
        let badPort = try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-raw").replacingOccurrences(of: "\"f_port\": 1", with: "\"f_port\": \"1\""))
        XCTAssertEqual(badPort.status, 400)
        XCTAssertTrue(badPort.body.contains("uplink_message.f_port: expected a number"), badPort.body)
        let badBase64 = try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-raw").replacingOccurrences(of: "vu8=", with: "v!u8"))
        XCTAssertTrue(badBase64.status == 400 && badBase64.body.contains("frm_payload: expected base64"), badBase64.body)
        let v2Missing = try host.post("/ttn/v2", "{\"dev_id\": \"eui-raw\"}")
        XCTAssertTrue(v2Missing.status == 400 && v2Missing.body.contains("'port' is required"), v2Missing.body)
        let huge = String(repeating: " ", count: 20_000) + TTNDocuments.v3Uplink(device: "eui-raw")
        XCTAssertEqual(try host.post("/ttn/v3", huge).status, 413, "bodies are bounded (max_body_bytes)")
        XCTAssertEqual(try host.post("/ttn/v4", "{}").status, 404)
    }

    func testAuthentication() throws {
        let host = try host
        let document = TTNDocuments.v3Uplink(device: "eui-full")
        XCTAssertEqual(try host.post("/ttn/v3", document, user: nil).status, 401, "no credentials")
        XCTAssertEqual(try host.post("/ttn/v3", document, user: "ttn-gateway@ttn-app:wrong").status, 401, "wrong password")
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "eui-stranger")).status, 403,
                       "an end device whose gatewaySelector does not name the webhook's device")
        XCTAssertEqual(try host.post("/ttn/v3", TTNDocuments.v3Uplink(device: "nobody")).status, 403, "an unknown end device")
    }
}
