import CTributary
import Foundation
import TributarySDK
import TestSupport
import XCTest
@testable import TributaryHost

/// Every row of README.md's table in "The event": what a sink sees for what a device sent.
final class EventNormalizerTests: XCTestCase {
    struct Message {
        var application = "app"
        var device = "device1"
        var sender = ""
        var channel = "telemetry"
        var contentType = ""
        var payload: [UInt8] = []
        var dataSchema = ""
        var time: Int64 = 0
        var flags: UInt32 = 0
        var extensions: [(String, String)] = []
    }

    struct Normalized {
        var attributes: [String: String] = [:]
        var extensions: [(String, String)] = []
        var data: [UInt8] = []
    }

    private func normalize(_ message: Message, with normalizer: EventNormalizer = EventNormalizer(),
                           now: Int64 = 1_700_000_000_000_000_000) throws -> Normalized {
        let strings = [message.application, message.device, message.sender, message.channel, message.contentType,
                       message.dataSchema] + message.extensions.flatMap { [$0.0, $0.1] }
        return try withPluginBuffers(strings) { b throws -> Normalized in
            try message.payload.withUnsafeBytes { payload throws -> Normalized in
                let attributes = stride(from: 6, to: b.count, by: 2).map { trib_type_plugin_attribute(name: b[$0], value: b[$0 + 1]) }
                return try attributes.withUnsafeBufferPointer { attrs throws -> Normalized in
                    var m = trib_type_message(
                        struct_size: UInt32(MemoryLayout<trib_type_message>.size), flags: message.flags,
                        application: b[0], device: b[1], sender: b[2], channel: b[3], content_type: b[4],
                        payload: trib_type_plugin_buffer(payload), data_schema: b[5], time_unix_ns: message.time,
                        extensions: attrs.baseAddress, extension_count: attrs.count)
                    let record = try normalizer.normalize(&m, nowUnixNanoseconds: now)
                    let e = record.event.pointee
                    var result = Normalized()
                    for (name, field) in [("specversion", e.specversion), ("id", e.id), ("type", e.type), ("source", e.source),
                                          ("subject", e.subject), ("time", e.time), ("datacontenttype", e.datacontenttype),
                                          ("application", e.application), ("device", e.device), ("sender", e.sender),
                                          ("partitionkey", e.partitionkey)] {
                        result.attributes[name] = field.string
                    }
                    result.extensions = UnsafeBufferPointer(start: e.extensions, count: e.extension_count).map { ($0.name.string, $0.value.string) }
                    result.data = e.data.bytes
                    XCTAssertEqual(record.singleBatch.pointee.count, 1)
                    XCTAssertEqual(record.singleBatch.pointee.events[0], record.event)
                    return result
                }
            }
        }
    }

    func testCoreAttributes() throws {
        let e = try normalize(Message(payload: Array("hi".utf8)))
        XCTAssertEqual(e.attributes["specversion"], "1.0")
        XCTAssertEqual(e.attributes["type"], "io.drogue.event.v1")
        XCTAssertEqual(e.attributes["subject"], "telemetry")
        XCTAssertEqual(e.attributes["source"], "drogue://app/device1")
        XCTAssertEqual(e.attributes["time"], "2023-11-14T22:13:20.000000Z", "receipt time when the device gives none")
        let id = e.attributes["id"] ?? ""
        XCTAssertNotNil(id.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression), id)
        XCTAssertNotEqual(try normalize(Message()).attributes["id"], id, "every event gets its own id")
    }

    func testDevicesArePercentEncodedInSourceAndPartitionKey() throws {
        let e = try normalize(Message(application: "my-app", device: "device-1"))
        XCTAssertEqual(e.attributes["source"], "drogue://my-app/device%2D1", "application not encoded, device encoded")
        XCTAssertEqual(e.attributes["partitionkey"], "my%2Dapp/device%2D1")
        XCTAssertEqual(e.attributes["device"], "device-1")
    }

    /// The record is sized before it is written: names that triple when percent-encoded, long
    /// extensions and a short JSON type replaced by a longer one must all fit, byte for byte.
    func testWorstCaseExpansionsFitTheRecord() throws {
        let application = String(repeating: "ü-", count: 40)
        let device = String(repeating: "/ ä%", count: 50)
        let sender = String(repeating: "😀.", count: 30)
        let longValue = String(repeating: "v", count: 700)
        let message = Message(application: application, device: device, sender: sender, channel: String(repeating: "c/", count: 90),
                              contentType: "text/json", payload: Array(#"{ "a" : [ 1 , 2 ] }"#.utf8),
                              dataSchema: String(repeating: "s", count: 300), extensions: [("custom", longValue), ("x", "")])
        let e = try normalize(message)
        XCTAssertEqual(e.attributes["source"], "drogue://\(application)/\(PercentEncoding.encode(device))")
        XCTAssertEqual(e.attributes["partitionkey"], "\(PercentEncoding.encode(application))/\(PercentEncoding.encode(sender))")
        XCTAssertEqual(e.attributes["datacontenttype"], "application/json")
        XCTAssertEqual(String(decoding: e.data, as: UTF8.self), #"{"a":[1,2]}"#)
        XCTAssertEqual(e.extensions.map(\.0), ["application", "device", "sender", "partitionkey", "instance", "dataschema", "custom", "x"])
        XCTAssertEqual(e.extensions[6].1, longValue)
        XCTAssertEqual(e.extensions[7].1, "")
        XCTAssertThrowsError(try normalize(Message(device: device, contentType: "application/json", payload: Array("{".utf8)))) { error in
            XCTAssertEqual(error as? EventNormalizer.Failure, .notJSON)
        }
    }

    func testGatewaySenderIsThePartitionKey() throws {
        let e = try normalize(Message(device: "sensor-7", sender: "gw"))
        XCTAssertEqual(e.attributes["device"], "sensor-7")
        XCTAssertEqual(e.attributes["sender"], "gw")
        XCTAssertEqual(e.attributes["source"], "drogue://app/sensor%2D7")
        XCTAssertEqual(e.attributes["partitionkey"], "app/gw")
    }

    func testExtensionsInOrderWithSchemaInstanceAndAdapterOnes() throws {
        var normalizer = EventNormalizer()
        normalizer.instance = "factory-3"
        let e = try normalize(Message(dataSchema: "urn:x", extensions: [("lorawanport", "7")]), with: normalizer)
        XCTAssertEqual(e.extensions.map(\.0), ["application", "device", "sender", "partitionkey", "instance", "dataschema", "lorawanport"])
        XCTAssertEqual(e.extensions.map(\.1), ["app", "device1", "device1", "app/device1", "factory-3", "urn:x", "7"])
        XCTAssertFalse(try normalize(Message()).extensions.contains { $0.0 == "dataschema" }, "no dataschema unless given")
    }

    func testConfigurableTypeAndSourceSchemeAndConnectionEvents() throws {
        var normalizer = EventNormalizer()
        normalizer.eventType = "com.example.event"
        normalizer.sourceScheme = "tributary"
        let e = try normalize(Message(), with: normalizer)
        XCTAssertEqual(e.attributes["type"], "com.example.event")
        XCTAssertEqual(e.attributes["source"], "tributary://app/device1")
        let connection = try normalize(Message(channel: "connection", payload: Array("{\"connected\":true}".utf8),
                                               flags: UInt32(TRIB_MESSAGE_CONNECTION_EVENT)))
        XCTAssertEqual(connection.attributes["type"], "io.drogue.connection.v1")
    }

    func testDeviceTimeIsKept() throws {
        let e = try normalize(Message(time: 1_683_000_000_123_456_000))
        XCTAssertEqual(e.attributes["time"], "2023-05-02T04:00:00.123456Z")
    }

    func testJSONWithoutContentTypeIsDetectedAndCompacted() throws {
        let e = try normalize(Message(payload: Array("{ \"temp\" : 21.5, \"tags\": [ \"a b\" ] }".utf8)))
        XCTAssertEqual(e.attributes["datacontenttype"], "application/json")
        XCTAssertEqual(String(decoding: e.data, as: UTF8.self), "{\"temp\":21.5,\"tags\":[\"a b\"]}")
    }

    func testNonJSONWithoutContentTypeIsOctetStream() throws {
        let bytes: [UInt8] = [0xFF, 0x00, 0x7B]
        let e = try normalize(Message(payload: bytes))
        XCTAssertEqual(e.attributes["datacontenttype"], "application/octet-stream")
        XCTAssertEqual(e.data, bytes)
        XCTAssertEqual(try normalize(Message()).attributes["datacontenttype"], "application/octet-stream", "empty body")
    }

    func testJSONContentTypesMustParseAndAreNormalized() throws {
        for type in ["application/json", "application/json; charset=utf-8", "text/json", "application/vnd.acme+json"] {
            let e = try normalize(Message(contentType: type, payload: Array("[1, 2]".utf8)))
            XCTAssertEqual(e.attributes["datacontenttype"], "application/json", type)
            XCTAssertEqual(String(decoding: e.data, as: UTF8.self), "[1,2]", type)
            XCTAssertThrowsError(try normalize(Message(contentType: type, payload: Array("{oops".utf8)))) { error in
                XCTAssertEqual(error as? EventNormalizer.Failure, .notJSON, type)
            }
        }
        XCTAssertThrowsError(try normalize(Message(contentType: "application/json"))) { error in
            XCTAssertEqual(error as? EventNormalizer.Failure, .notJSON, "an empty body is not JSON")
        }
    }

    func testOtherContentTypesPassThroughUntouched() throws {
        let body = Array("{ \"not\": \"compacted\" }".utf8)
        let e = try normalize(Message(contentType: "text/plain", payload: body))
        XCTAssertEqual(e.attributes["datacontenttype"], "text/plain")
        XCTAssertEqual(e.data, body)
    }

    func testMissingOrNonUTF8FieldsAreInvalid() {
        for message in [Message(application: ""), Message(device: ""), Message(channel: "")] {
            XCTAssertThrowsError(try normalize(message)) { error in
                guard case .invalid = error as? EventNormalizer.Failure else { return XCTFail("\(error)") }
            }
        }
    }

    func testNonUTF8ChannelIsInvalid() {
        let channel: [UInt8] = [0x74, 0xC3]
        let app = Array("app".utf8), device = Array("d".utf8)
        app.withUnsafeBytes { a in device.withUnsafeBytes { d in channel.withUnsafeBytes { c in
            var m = trib_type_message()
            m.struct_size = UInt32(MemoryLayout<trib_type_message>.size)
            m.application = trib_type_plugin_buffer(a)
            m.device = trib_type_plugin_buffer(d)
            m.channel = trib_type_plugin_buffer(c)
            let result = Result { () throws(EventNormalizer.Failure) -> EventRecord in try EventNormalizer().normalize(&m, nowUnixNanoseconds: 0) }
            guard case .failure(let error) = result else { return XCTFail("accepted a non-UTF-8 channel") }
            XCTAssertEqual(error, .invalid("channel is not UTF-8"))
        } } }
    }
}
