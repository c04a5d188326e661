import XCTest
@testable import WebSocketCodec

final class WebSocketFrameDecoderTests: XCTestCase {
    private func decode(_ bytes: [UInt8], role: WebSocketFrameDecoder.Role = .server, maxFrameSize: Int = 1 << 16,
                        file: StaticString = #filePath, line: UInt = #line) -> (messages: [WebSocketFrame], error: WebSocketError?) {
        DripFeed.decodeBothWays(bytes, { WebSocketFrameDecoder(role: role, maxFrameSize: maxFrameSize) }, file: file, line: line)
    }

    private func assertRejected(_ bytes: [UInt8], _ expected: WebSocketError, closeCode: UInt16, role: WebSocketFrameDecoder.Role = .server,
                                maxFrameSize: Int = 1 << 16, file: StaticString = #filePath, line: UInt = #line) {
        let result = decode(bytes, role: role, maxFrameSize: maxFrameSize, file: file, line: line)
        XCTAssertEqual(result.messages, [], file: file, line: line)
        XCTAssertEqual(result.error, expected, file: file, line: line)
        XCTAssertEqual(result.error?.closeCode, closeCode, file: file, line: line)
    }

    // MARK: - RFC 6455 section 5.7

    func testSingleFrameUnmaskedText() {
        let result = decode([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], role: .client)
        XCTAssertEqual(result.messages, [WebSocketFrame(opcode: .text, payload: "Hello".bytes)])
    }

    func testSingleFrameMaskedText() {
        let result = decode([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58])
        XCTAssertNil(result.error)
        XCTAssertEqual(result.messages, [WebSocketFrame(opcode: .text, payload: "Hello".bytes)])
    }

    func testFragmentedUnmaskedText() {
        let result = decode([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f], role: .client)
        XCTAssertEqual(result.messages, [
            WebSocketFrame(fin: false, opcode: .text, payload: "Hel".bytes),
            WebSocketFrame(opcode: .continuation, payload: "lo".bytes),
        ])
    }

    func testUnmaskedPingAndMaskedPong() {
        XCTAssertEqual(decode([0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], role: .client).messages, [WebSocketFrame(opcode: .ping, payload: "Hello".bytes)])
        XCTAssertEqual(
            decode([0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]).messages, [WebSocketFrame(opcode: .pong, payload: "Hello".bytes)])
    }

    func testSixteenAndSixtyFourBitLengths() {
        let payload256 = (0..<256).map { UInt8($0) }
        XCTAssertEqual(decode([0x82, 0x7E, 0x01, 0x00] + payload256, role: .client).messages, [WebSocketFrame(opcode: .binary, payload: payload256)])
        let payload64K = [UInt8](repeating: 0x5A, count: 65536)
        var decoder = WebSocketFrameDecoder(role: .client)
        let wire: [UInt8] = [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0] + payload64K
        let result = DripFeed.decode(wire, with: &decoder, pieceSize: 1000)
        XCTAssertEqual(result.messages, [WebSocketFrame(opcode: .binary, payload: payload64K)])
    }

    // MARK: - Streams

    func testPipelinedFramesAndEmptyPayloads() throws {
        var wire: [UInt8] = []
        WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .ping), maskingKey: [1, 2, 3, 4], into: &wire)
        WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: [9, 8, 7]), maskingKey: [5, 6, 7, 8], into: &wire)
        WebSocketFrameEncoder.encodeClose(code: 1000, maskingKey: [0, 0, 0, 0], into: &wire)
        let result = decode(wire)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.messages, [
            WebSocketFrame(opcode: .ping), WebSocketFrame(opcode: .binary, payload: [9, 8, 7]), WebSocketFrame(opcode: .close, payload: [0x03, 0xE8]),
        ])
        var decoder = WebSocketFrameDecoder()
        wire.withUnsafeBytes { decoder.append($0) }
        XCTAssertEqual(decoder.bufferedByteCount, wire.count)
        XCTAssertEqual(try decoder.next()?.opcode, .ping)
        XCTAssertEqual(decoder.bufferedByteCount, wire.count - 6)
        XCTAssertEqual(try decoder.next()?.opcode, .binary)
        XCTAssertEqual(try decoder.next()?.opcode, .close)
        XCTAssertNil(try decoder.next())
        XCTAssertTrue(decoder.isIdle)
    }

    func testIdle() {
        var decoder = WebSocketFrameDecoder(role: .client)
        XCTAssertTrue(decoder.isIdle)
        ([0x81] as [UInt8]).withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.isIdle)
    }

    func testErrorsAreSticky() {
        var decoder = WebSocketFrameDecoder()
        ([0x81, 0x00] as [UInt8]).withUnsafeBytes { decoder.append($0) }
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? WebSocketError, .unmaskedFrame) }
        ([0x81, 0x80, 0, 0, 0, 0] as [UInt8]).withUnsafeBytes { decoder.append($0) }
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? WebSocketError, .unmaskedFrame) }
    }

    // MARK: - Protocol errors

    func testReservedBitsAndOpcodes() {
        for first: UInt8 in [0xC1, 0xA1, 0x91] {
            assertRejected([first, 0x80, 0, 0, 0, 0], .reservedBitsSet, closeCode: 1002)
        }
        for opcode: UInt8 in [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            assertRejected([0x80 | opcode, 0x80, 0, 0, 0, 0], .reservedOpcode, closeCode: 1002)
        }
    }

    func testControlFrameRules() {
        assertRejected([0x09, 0x80, 0, 0, 0, 0], .fragmentedControlFrame, closeCode: 1002)
        assertRejected([0x08, 0x80, 0, 0, 0, 0], .fragmentedControlFrame, closeCode: 1002)
        assertRejected([0x89, 0xFE, 0x00, 0x7E], .controlFrameTooLong, closeCode: 1002)
        assertRejected([0x8A, 0xFF], .controlFrameTooLong, closeCode: 1002)
        XCTAssertEqual(decode([0x89, 0xFD, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 125)).messages.first?.payload.count, 125)
    }

    func testMaskingMustMatchTheRole() {
        assertRejected([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], .unmaskedFrame, closeCode: 1002)
        assertRejected([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], .maskedFrame, closeCode: 1002, role: .client)
    }

    func testLengthsMustBeMinimal() {
        assertRejected([0x82, 0xFE, 0x00, 0x7D, 1, 2, 3, 4], .nonMinimalLength, closeCode: 1002)
        assertRejected([0x82, 0xFE, 0x00, 0x00, 1, 2, 3, 4], .nonMinimalLength, closeCode: 1002)
        assertRejected([0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3, 4], .nonMinimalLength, closeCode: 1002)
        assertRejected([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], .lengthHighBitSet, closeCode: 1002)
        XCTAssertEqual(decode([0x82, 0x7E, 0x00, 0x7E] + [UInt8](repeating: 1, count: 126), role: .client).messages.first?.payload.count, 126)
    }

    func testFramesAboveTheLimitAreRefusedFromTheirHeader() {
        assertRejected([0x82, 0xFE, 0x01, 0x00, 1, 2, 3, 4], .frameTooBig, closeCode: 1009, maxFrameSize: 255)
        XCTAssertEqual(decode([0x82, 0x7E, 0x00, 0xFF] + [UInt8](repeating: 0, count: 255), role: .client, maxFrameSize: 255).messages.count, 1)
        // 2^40 announced: refused before anything is reserved.
        var decoder = WebSocketFrameDecoder()
        let result = DripFeed.decode([0x82, 0xFF, 0, 0, 0x01, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5], with: &decoder, pieceSize: 15)
        XCTAssertEqual(result.error, .frameTooBig)
        XCTAssertLessThanOrEqual(decoder.bufferedByteCount, 14)
    }
}
