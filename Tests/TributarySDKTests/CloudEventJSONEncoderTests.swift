import XCTest

@testable import TributarySDK

final class CloudEventJSONEncoderTests: XCTestCase {
    // MARK: - Helpers

    private func makeEvent(contentType: String? = "application/json", data: [UInt8] = []) -> CloudEvent {
        CloudEvent(
            id: "2f8c5a9e-1d3b-4c7a-9e2f-0b1c2d3e4f50",
            type: "io.drogue.event.v1",
            source: "drogue://my%2Dapp/device%2D1",
            subject: "sensors/temp",
            time: "2023-05-01T10:00:00.000000Z",
            dataContentType: contentType,
            extensions: [
                CloudEventAttribute(name: "application", value: "my-app"),
                CloudEventAttribute(name: "device", value: "device-1"),
                CloudEventAttribute(name: "sender", value: "gateway-1"),
                CloudEventAttribute(name: "partitionkey", value: "my%2Dapp/device%2D1"),
                CloudEventAttribute(name: "instance", value: "drogue"),
            ],
            data: data)
    }

    private func encodedText(_ event: CloudEvent) -> String {
        String(decoding: CloudEventJSONEncoder.encode(event), as: UTF8.self)
    }

    /// Encodes, checks the bytes are compact valid JSON, and decodes with Foundation.
    private func decoded(
        _ event: CloudEvent, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: Any] {
        let bytes = CloudEventJSONEncoder.encode(event)
        XCTAssertTrue(bytes.withUnsafeBytes { JSON.isValid($0) }, "not valid JSON", file: file, line: line)
        var compact: [UInt8] = []
        XCTAssertTrue(bytes.withUnsafeBytes { JSON.compact($0, into: &compact) }, file: file, line: line)
        XCTAssertEqual(compact, bytes, "not compact", file: file, line: line)
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return try XCTUnwrap(object as? [String: Any], file: file, line: line)
    }

    private func assertOrder(_ text: String, _ keys: [String], file: StaticString = #filePath, line: UInt = #line) {
        var previous = text.startIndex
        for key in keys {
            guard let range = text.range(of: "\"\(key)\":", range: previous..<text.endIndex) else {
                XCTFail("\(key) missing or out of order in \(text)", file: file, line: line)
                return
            }
            previous = range.upperBound
        }
    }

    // MARK: - Members

    func testAllMembersAndOrder() throws {
        let event = makeEvent(data: Array(#"{"temp":21.5}"#.utf8))
        let object = try decoded(event)
        XCTAssertEqual(object["specversion"] as? String, "1.0")
        XCTAssertEqual(object["id"] as? String, event.id)
        XCTAssertEqual(object["source"] as? String, "drogue://my%2Dapp/device%2D1")
        XCTAssertEqual(object["type"] as? String, "io.drogue.event.v1")
        XCTAssertEqual(object["subject"] as? String, "sensors/temp")
        XCTAssertEqual(object["time"] as? String, "2023-05-01T10:00:00.000000Z")
        XCTAssertEqual(object["datacontenttype"] as? String, "application/json")
        XCTAssertEqual(object["application"] as? String, "my-app")
        XCTAssertEqual(object["device"] as? String, "device-1")
        XCTAssertEqual(object["sender"] as? String, "gateway-1")
        XCTAssertEqual(object["partitionkey"] as? String, "my%2Dapp/device%2D1")
        XCTAssertEqual(object["instance"] as? String, "drogue")
        XCTAssertEqual(object.count, 13)
        assertOrder(
            encodedText(event),
            [
                "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "application", "device",
                "sender", "partitionkey", "instance", "data",
            ])
    }

    func testExactOutput() {
        let event = CloudEvent(
            id: "1", type: "t", source: "s", dataContentType: "text/plain",
            extensions: [CloudEventAttribute(name: "device", value: "d")], data: Array("hi".utf8))
        XCTAssertEqual(
            encodedText(event),
            #"{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","device":"d","data":"hi"}"#)
    }

    func testOptionalMembersAreOmitted() throws {
        let event = CloudEvent(id: "1", type: "t", source: "s")
        XCTAssertEqual(encodedText(event), #"{"specversion":"1.0","id":"1","source":"s","type":"t"}"#)
        let object = try decoded(event)
        XCTAssertNil(object["subject"])
        XCTAssertNil(object["time"])
        XCTAssertNil(object["datacontenttype"])
    }

    func testExtensionOrderIsPreserved() {
        var event = makeEvent()
        event.extensions = ["zeta", "alpha", "mid", "beta"].map { CloudEventAttribute(name: $0, value: $0.uppercased()) }
        let text = encodedText(event)
        assertOrder(text, ["datacontenttype", "zeta", "alpha", "mid", "beta"])
        XCTAssertTrue(text.contains(#""zeta":"ZETA","alpha":"ALPHA","mid":"MID","beta":"BETA""#))
    }

    func testReservedAndDuplicateExtensionNamesAreSkipped() throws {
        var event = makeEvent(contentType: "text/plain", data: Array("x".utf8))
        event.extensions = [
            CloudEventAttribute(name: "device", value: "first"),
            CloudEventAttribute(name: "id", value: "evil"),
            CloudEventAttribute(name: "data", value: "evil"),
            CloudEventAttribute(name: "data_base64", value: "evil"),
            CloudEventAttribute(name: "specversion", value: "evil"),
            CloudEventAttribute(name: "device", value: "second"),
            CloudEventAttribute(name: "sender", value: "s"),
        ]
        let text = encodedText(event)
        XCTAssertFalse(text.contains("evil"))
        XCTAssertFalse(text.contains("second"))
        let object = try decoded(event)
        XCTAssertEqual(object["device"] as? String, "first")
        XCTAssertEqual(object["id"] as? String, event.id)
        XCTAssertEqual(object["sender"] as? String, "s")
        XCTAssertEqual(object["data"] as? String, "x")
    }

    // MARK: - Payload modes

    func testJSONDataIsInlinedAndCompacted() throws {
        let payload = #"{ "temp" : 21.5, "tags" : [ "a b", "c" ], "ok" : true, "n" : null, "big" : 1E+400 }"#
        let event = makeEvent(data: Array(payload.utf8))
        let text = encodedText(event)
        XCTAssertTrue(
            text.hasSuffix(#","data":{"temp":21.5,"tags":["a b","c"],"ok":true,"n":null,"big":1E+400}}"#), text)
        XCTAssertFalse(text.contains("data_base64"))
    }

    func testJSONDataMembers() throws {
        let event = makeEvent(data: Array(#"{"temp":42,"name":"sensor \"1\"","list":[1,2]}"#.utf8))
        let object = try decoded(event)
        let data = try XCTUnwrap(object["data"] as? [String: Any])
        XCTAssertEqual(data["temp"] as? Int, 42)
        XCTAssertEqual(data["name"] as? String, "sensor \"1\"")
        XCTAssertEqual(data["list"] as? [Int], [1, 2])
        XCTAssertNil(object["data_base64"])
    }

    func testJSONScalarDataAndOtherJSONContentTypes() throws {
        for contentType in ["application/json", "text/json", "application/cloudevents+json; charset=utf-8", "APPLICATION/JSON"] {
            let event = makeEvent(contentType: contentType, data: Array(" 42 ".utf8))
            XCTAssertTrue(encodedText(event).hasSuffix(#","data":42}"#), contentType)
        }
    }

    func testInvalidJSONDataFallsBackToBase64() throws {
        let payload: [UInt8] = Array("{\"temp\": 21.5,}".utf8)
        let event = makeEvent(data: payload)
        let object = try decoded(event)
        XCTAssertNil(object["data"])
        let base64 = try XCTUnwrap(object["data_base64"] as? String)
        XCTAssertEqual(Data(base64Encoded: base64), Data(payload))
        XCTAssertEqual(object["datacontenttype"] as? String, "application/json")
    }

    func testTextDataIsAString() throws {
        let text = "Hello, \"world\"!\nLine 2\twith tab, ümlaut and 😀 \u{1}"
        let event = makeEvent(contentType: "text/plain; charset=utf-8", data: Array(text.utf8))
        let object = try decoded(event)
        XCTAssertEqual(object["data"] as? String, text)
        XCTAssertNil(object["data_base64"])
        let upper = makeEvent(contentType: "TEXT/CSV", data: Array("a,b".utf8))
        XCTAssertEqual(try decoded(upper)["data"] as? String, "a,b")
    }

    func testInvalidUTF8TextFallsBackToBase64() throws {
        let payload: [UInt8] = [0x68, 0x69, 0xFF, 0xC0, 0xAF]
        let object = try decoded(makeEvent(contentType: "text/plain", data: payload))
        XCTAssertNil(object["data"])
        XCTAssertEqual(Data(base64Encoded: try XCTUnwrap(object["data_base64"] as? String)), Data(payload))
    }

    func testBinaryDataIsBase64() throws {
        let payload: [UInt8] = (0...255).map { UInt8($0) }
        for contentType in ["application/octet-stream", "image/png", nil] as [String?] {
            let object = try decoded(makeEvent(contentType: contentType, data: payload))
            XCTAssertNil(object["data"])
            let base64 = try XCTUnwrap(object["data_base64"] as? String)
            XCTAssertEqual(Data(base64Encoded: base64), Data(payload))
            XCTAssertEqual(object["datacontenttype"] as? String, contentType)
        }
    }

    func testEmptyDataIsOmitted() throws {
        for contentType in ["application/json", "text/plain", "application/octet-stream", nil] as [String?] {
            let event = makeEvent(contentType: contentType, data: [])
            let object = try decoded(event)
            XCTAssertNil(object["data"])
            XCTAssertNil(object["data_base64"])
            XCTAssertTrue(encodedText(event).hasSuffix(#""instance":"drogue"}"#))
        }
    }

    // MARK: - Escaping and buffers

    func testAttributesAreEscaped() throws {
        var event = makeEvent()
        event.subject = "a\"b\\c\nd"
        event.extensions = [CloudEventAttribute(name: "label", value: "tab\there \u{0}\u{1F} ä")]
        let object = try decoded(event)
        XCTAssertEqual(object["subject"] as? String, "a\"b\\c\nd")
        XCTAssertEqual(object["label"] as? String, "tab\there \u{0}\u{1F} ä")
    }

    func testHeavilyEscapedEventIsComplete() throws {
        // Far more escape growth than the encoder's optimistic first pass allows for.
        let controls = String(repeating: "\u{1}\"", count: 400)
        var event = makeEvent(contentType: "text/plain", data: Array(controls.utf8))
        event.subject = controls
        event.extensions.append(CloudEventAttribute(name: "x", value: controls))
        event.extensions.append(CloudEventAttribute(name: "id", value: controls))  // skipped
        let object = try decoded(event)
        XCTAssertEqual(object["subject"] as? String, controls)
        XCTAssertEqual(object["x"] as? String, controls)
        XCTAssertEqual(object["data"] as? String, controls)
        XCTAssertEqual(object["id"] as? String, event.id)
    }

    func testEncodeIntoAppendsToExistingBuffer() {
        let event = makeEvent(data: Array("[1, 2]".utf8))
        var output: [UInt8] = Array("prefix\n".utf8)
        CloudEventJSONEncoder.encode(event, into: &output)
        output.append(0x0A)
        CloudEventJSONEncoder.encode(event, into: &output)
        let single = CloudEventJSONEncoder.encode(event)
        XCTAssertEqual(output, Array("prefix\n".utf8) + single + [0x0A] + single)
    }

    func testGeneratedAttributesRoundTrip() throws {
        let now = RFC3339.nowUnixNanoseconds()
        let event = CloudEvent(
            id: UUIDv4.random(), type: "io.drogue.event.v1",
            source: "drogue://" + PercentEncoding.encode("app 1") + "/" + PercentEncoding.encode("device-1"),
            time: RFC3339.formatUTC(unixNanoseconds: now), dataContentType: "application/json",
            data: Array(#"{"a":1}"#.utf8))
        let object = try decoded(event)
        XCTAssertEqual(object["source"] as? String, "drogue://app%201/device%2D1")
        XCTAssertEqual((object["time"] as? String).flatMap(RFC3339.parse), now / 1_000 * 1_000)
        XCTAssertEqual(object["id"] as? String, event.id)
    }

    // MARK: - Model

    func testModelDefaultsAndExtensionLookup() {
        let event = makeEvent()
        XCTAssertEqual(event.specversion, "1.0")
        XCTAssertEqual(event.extension("device"), "device-1")
        XCTAssertEqual(event.extension("partitionkey"), "my%2Dapp/device%2D1")
        XCTAssertNil(event.extension("Device"))
        XCTAssertNil(event.extension("missing"))
        let minimal = CloudEvent(id: "1", type: "t", source: "s")
        XCTAssertNil(minimal.subject)
        XCTAssertNil(minimal.time)
        XCTAssertNil(minimal.dataContentType)
        XCTAssertEqual(minimal.extensions, [])
        XCTAssertEqual(minimal.data, [])
        XCTAssertEqual(minimal, CloudEvent(specversion: "1.0", id: "1", type: "t", source: "s"))
        XCTAssertNotEqual(minimal, CloudEvent(id: "2", type: "t", source: "s"))
    }

    func testFirstExtensionWins() {
        let event = CloudEvent(
            id: "1", type: "t", source: "s",
            extensions: [CloudEventAttribute(name: "a", value: "1"), CloudEventAttribute(name: "a", value: "2")])
        XCTAssertEqual(event.extension("a"), "1")
    }
}
