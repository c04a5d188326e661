import XCTest

@testable import CoAPCodec

/// Messages to bytes and back: the RFC's own examples, every option extension boundary, and what
/// a Drogue device sends.
final class CoAPMessageCodingTests: XCTestCase {
    private func roundTrip(_ message: CoAPMessage, file: StaticString = #filePath, line: UInt = #line) {
        let bytes = CoAPEncoder.encode(message)
        XCTAssertEqual(try CoAPDecoder.decode(bytes), message, file: file, line: line)
    }

    /// RFC 7252 appendix A, figure 16: GET /temperature and its piggybacked response.
    func testRFCExampleBytes() throws {
        let request: [UInt8] = [0x40, 0x01, 0x7D, 0x34, 0xBB] + Array("temperature".utf8)
        let decoded = try CoAPDecoder.decode(request)
        XCTAssertEqual(decoded.type, .confirmable)
        XCTAssertEqual(decoded.code, .get)
        XCTAssertEqual(decoded.messageID, 0x7D34)
        XCTAssertEqual(decoded.uriPath, ["temperature"])
        XCTAssertEqual(CoAPEncoder.encode(decoded), request)

        let response = CoAPMessage(type: .acknowledgement, code: .content, messageID: 0x7D34, payload: Array("22.3 C".utf8))
        XCTAssertEqual(CoAPEncoder.encode(response), [0x60, 0x45, 0x7D, 0x34, 0xFF] + Array("22.3 C".utf8))
    }

    func testDrogueTelemetryRequest() throws {
        let message = CoAPMessage(
            type: .confirmable, code: .post, messageID: 0xBEEF, token: [1, 2, 3, 4],
            options: [
                CoAPOption(.authorization, string: "Basic ZGV2aWNlMUBhcHA6c2VjcmV0"),
                CoAPOption(.uriPath, string: "v1"),
                CoAPOption(.uriPath, string: "telemetry"),
                CoAPOption(.contentFormat, uint: 50),
                CoAPOption(.uriQuery, string: "application=app&device=device1&ct=30"),
            ],
            payload: Array("{\"temp\":21}".utf8))
        // Added out of order, kept in number order with repeats in the order given.
        XCTAssertEqual(message.options.map(\.number), [.uriPath, .uriPath, .contentFormat, .uriQuery, .authorization])
        let bytes = CoAPEncoder.encode(message)
        let decoded = try CoAPDecoder.decode(bytes)
        XCTAssertEqual(decoded, message)
        XCTAssertEqual(decoded.uriPath, ["v1", "telemetry"])
        XCTAssertEqual(decoded.uriQuery, ["application=app&device=device1&ct=30"])
        XCTAssertEqual(decoded.contentFormat, 50)
        XCTAssertEqual(decoded.first(.authorization)?.stringValue, "Basic ZGV2aWNlMUBhcHA6c2VjcmV0")
        // 4209 after Uri-Query (15): delta 4194 takes the two-byte extension (4194 - 269 = 0x0F55),
        // the 30-byte value the one-byte one (30 - 13 = 17).
        let header: [UInt8] = [0xED, 0x0F, 0x55, 17]
        XCTAssertTrue((0...bytes.count - header.count).contains { Array(bytes[$0..<$0 + header.count]) == header })
    }

    /// Deltas and lengths on each side of the 13 and 269 extension thresholds.
    func testExtensionBoundaries() throws {
        for number: UInt16 in [1, 12, 13, 14, 268, 269, 270, 1000, 65535] {
            roundTrip(CoAPMessage(type: .nonConfirmable, code: .post, messageID: 1, options: [CoAPOption(CoAPOptionNumber(number), [7])]))
        }
        for length in [0, 1, 12, 13, 14, 268, 269, 270, 1034, 2000] {
            roundTrip(CoAPMessage(type: .confirmable, code: .put, messageID: 2, options: [CoAPOption(.proxyURI, [UInt8](repeating: 0x61, count: length))]))
        }
        let bytes = CoAPEncoder.encode(CoAPMessage(type: .confirmable, code: .get, messageID: 0, options: [CoAPOption(CoAPOptionNumber(13), [])]))
        XCTAssertEqual(Array(bytes[4...]), [0xD0, 0x00], "delta 13 is nibble 13 with extension 0")
        let long = CoAPEncoder.encode(CoAPMessage(type: .confirmable, code: .get, messageID: 0, options: [CoAPOption(CoAPOptionNumber(269), [])]))
        XCTAssertEqual(Array(long[4...]), [0xE0, 0x00, 0x00], "delta 269 is nibble 14 with extension 0")
    }

    func testEmptyMessagesAndTokens() throws {
        XCTAssertEqual(CoAPEncoder.encode(.reset(0x1234)), [0x70, 0x00, 0x12, 0x34])
        XCTAssertEqual(CoAPEncoder.encode(.emptyAcknowledgement(0x1234)), [0x60, 0x00, 0x12, 0x34])
        let ping = try CoAPDecoder.decode([0x40, 0x00, 0x00, 0x01])
        XCTAssertTrue(ping.code.isEmpty)
        XCTAssertEqual(ping.type, .confirmable)
        for length in 0...8 {
            roundTrip(CoAPMessage(type: .confirmable, code: .post, messageID: 9, token: Array(repeating: 0xAB, count: length), payload: [1]))
        }
    }

    func testPayloadWithoutOptionsAndOptionValues() throws {
        roundTrip(CoAPMessage(type: .nonConfirmable, code: .post, messageID: 3, payload: [0xFF, 0x00, 0xFF]))
        XCTAssertEqual(CoAPOption(.maxAge, uint: 0).value, [])
        XCTAssertEqual(CoAPOption(.maxAge, uint: 60).value, [60])
        XCTAssertEqual(CoAPOption(.size1, uint: 0x0001_0000).value, [1, 0, 0])
        XCTAssertEqual(CoAPOption(.size1, [0, 0, 4, 0]).uintValue, 1024, "leading zeros are accepted on input")
        XCTAssertNil(CoAPOption(.size1, [1, 2, 3, 4, 5]).uintValue)
        XCTAssertNil(CoAPOption(.uriPath, [0xC3, 0x28]).stringValue, "not UTF-8")
        XCTAssertNil(CoAPMessage(type: .confirmable, code: .post, messageID: 1, options: [CoAPOption(.uriPath, [0xFF])]).uriPath)
    }

    func testSetReplacesAnOption() {
        var message = CoAPMessage(type: .acknowledgement, code: .content, messageID: 1, options: [CoAPOption(.maxAge, uint: 1)])
        message.set(CoAPOption(.maxAge, uint: 30))
        XCTAssertEqual(message.options(.maxAge), [CoAPOption(.maxAge, uint: 30)])
    }

    func testCodes() {
        XCTAssertEqual(CoAPCode.content.description, "2.05")
        XCTAssertEqual(CoAPCode.requestEntityTooLarge.description, "4.13")
        XCTAssertEqual(CoAPCode.continue.description, "2.31")
        XCTAssertEqual(CoAPCode.changed.rawValue, 0x44)
        XCTAssertTrue(CoAPCode.post.isRequest)
        XCTAssertTrue(CoAPCode.serviceUnavailable.isResponse)
        XCTAssertTrue(CoAPCode(rawValue: 0x20).isReserved)
        XCTAssertTrue(CoAPCode(7, 1).isReserved)
    }

    func testContentFormats() {
        XCTAssertEqual(CoAPContentFormat.mediaType(50), "application/json")
        XCTAssertEqual(CoAPContentFormat.mediaType(0), "text/plain; charset=utf-8")
        XCTAssertEqual(CoAPContentFormat.mediaType(60), "application/cbor")
        XCTAssertEqual(CoAPContentFormat.number("application/octet-stream"), 42)
        XCTAssertNil(CoAPContentFormat.mediaType(9999))
    }
}
