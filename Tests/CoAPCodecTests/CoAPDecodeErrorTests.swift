import XCTest

@testable import CoAPCodec

/// Each message format error, and what the RFC has the receiver do: a confirmable message is
/// rejected with a Reset carrying its message ID, anything else is ignored.
final class CoAPDecodeErrorTests: XCTestCase {
    private func assertFails(_ bytes: [UInt8], _ reason: CoAPDecodeError.Reason, reset: Bool,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            let message = try CoAPDecoder.decode(bytes)
            XCTFail("decoded \(message)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.reason, reason, file: file, line: line)
            if reset {
                XCTAssertEqual(error.reset, .reset(UInt16(bytes[2]) << 8 | UInt16(bytes[3])), file: file, line: line)
            } else {
                XCTAssertNil(error.reset, file: file, line: line)
            }
        }
    }

    func testHeader() {
        assertFails([], .truncatedHeader, reset: false)
        assertFails([0x40, 0x02, 0x00], .truncatedHeader, reset: false)
        assertFails([0x80, 0x02, 0x00, 0x01], .unsupportedVersion(2), reset: false)
        assertFails([0x00, 0x02, 0x00, 0x01], .unsupportedVersion(0), reset: false)
    }

    func testTokenLengths9To15AreRejected() {
        for length: UInt8 in 9...15 {
            assertFails([0x40 | length, 0x02, 0x12, 0x34] + [UInt8](repeating: 0, count: 15), .invalidTokenLength(length), reset: true)
            assertFails([0x50 | length, 0x02, 0x12, 0x34] + [UInt8](repeating: 0, count: 15), .invalidTokenLength(length), reset: false)
        }
        assertFails([0x44, 0x02, 0x12, 0x34, 1, 2, 3], .truncatedToken, reset: true)
    }

    func testOptions() {
        // Delta nibble 15 that is not the payload marker, and length nibble 15.
        assertFails([0x40, 0x02, 0x00, 0x07, 0xF0], .reservedOptionNibble, reset: true)
        assertFails([0x40, 0x02, 0x00, 0x07, 0xBF, 0x61], .reservedOptionNibble, reset: true)
        // Extensions and values cut off.
        assertFails([0x40, 0x02, 0x00, 0x07, 0xD0], .truncatedOption, reset: true)
        assertFails([0x40, 0x02, 0x00, 0x07, 0xE0, 0x01], .truncatedOption, reset: true)
        assertFails([0x40, 0x02, 0x00, 0x07, 0x0D], .truncatedOption, reset: true)
        assertFails([0x40, 0x02, 0x00, 0x07, 0xB3, 0x61, 0x62], .truncatedOption, reset: true)
        // Two maximal deltas: 65804 + 65804 is beyond 16 bits.
        assertFails([0x40, 0x02, 0x00, 0x07, 0xE0, 0xFF, 0xFF, 0xE0, 0xFF, 0xFF], .optionNumberOverflow, reset: true)
        assertFails([0x40, 0x02, 0x00, 0x07, 0xB1, 0x61, 0xFF], .payloadMarkerWithoutPayload, reset: true)
        assertFails([0x50, 0x02, 0x00, 0x07, 0xFF], .payloadMarkerWithoutPayload, reset: false)
    }

    func testEmptyMessagesAndReservedClasses() {
        assertFails([0x40, 0x00, 0x00, 0x09, 0xFF, 0x01], .invalidEmptyMessage, reset: true)
        assertFails([0x41, 0x00, 0x00, 0x09, 0x01], .invalidEmptyMessage, reset: true)
        assertFails([0x50, 0x00, 0x00, 0x09], .invalidEmptyMessage, reset: false)
        assertFails([0x70, 0x44, 0x00, 0x09], .invalidEmptyMessage, reset: false)
        assertFails([0x40, 0x21, 0x00, 0x09], .reservedCodeClass(1), reset: true)
        assertFails([0x40, 0xC1, 0x00, 0x09], .reservedCodeClass(6), reset: true)
        assertFails([0x60, 0xE1, 0x00, 0x09], .reservedCodeClass(7), reset: false)
    }

    /// Every prefix of a full request, down to nothing: an error or a shorter message, never a
    /// crash, and a Reset whenever the header was complete.
    func testEveryPrefix() {
        let message = CoAPMessage(
            type: .confirmable, code: .post, messageID: 0x0102, token: [9, 8, 7, 6, 5, 4, 3, 2],
            options: [CoAPOption(.uriPath, string: "v1"), CoAPOption(.uriPath, string: "telemetry"),
                      CoAPOption(.uriQuery, string: String(repeating: "q", count: 300)),
                      CoAPBlock(number: 2, more: true, sizeExponent: 6).option(.block1),
                      CoAPOption(.authorization, string: "Basic Zm9vOmJhcg==")],
            payload: Array(repeating: 0x41, count: 64))
        let bytes = CoAPEncoder.encode(message)
        for end in 0..<bytes.count {
            do {
                let prefix = try CoAPDecoder.decode(Array(bytes[..<end]))
                XCTAssertNotEqual(prefix, message)
                XCTAssertLessThan(CoAPEncoder.encode(prefix).count, bytes.count)
            } catch {
                if end >= 4 { XCTAssertEqual(error.reset, .reset(0x0102), "prefix of \(end) bytes") } else { XCTAssertNil(error.reset) }
            }
        }
    }
}
