import XCTest
@testable import WebSocketCodec

final class WebSocketFrameEncoderTests: XCTestCase {
    private func encoded(_ frame: WebSocketFrame, key: [UInt8]? = nil) -> [UInt8] {
        var output: [UInt8] = []
        WebSocketFrameEncoder.encode(frame, maskingKey: key, into: &output)
        return output
    }

    func testRFC6455Examples() {
        XCTAssertEqual(encoded(WebSocketFrame(opcode: .text, payload: "Hello".bytes)), [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f])
        XCTAssertEqual(
            encoded(WebSocketFrame(opcode: .text, payload: "Hello".bytes), key: [0x37, 0xfa, 0x21, 0x3d]),
            [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58])
        XCTAssertEqual(encoded(WebSocketFrame(fin: false, opcode: .text, payload: "Hel".bytes)), [0x01, 0x03, 0x48, 0x65, 0x6c])
        XCTAssertEqual(encoded(WebSocketFrame(opcode: .continuation, payload: "lo".bytes)), [0x80, 0x02, 0x6c, 0x6f])
        XCTAssertEqual(encoded(WebSocketFrame(opcode: .ping, payload: "Hello".bytes)), [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f])
        XCTAssertEqual(
            encoded(WebSocketFrame(opcode: .pong, payload: "Hello".bytes), key: [0x37, 0xfa, 0x21, 0x3d]),
            [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58])
        XCTAssertEqual(Array(encoded(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 256))).prefix(4)), [0x82, 0x7E, 0x01, 0x00])
        XCTAssertEqual(
            Array(encoded(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 65536))).prefix(10)),
            [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0])
    }

    func testMinimalLengthBoundaries() {
        XCTAssertEqual(encoded(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 125)))[1], 125)
        XCTAssertEqual(Array(encoded(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 126))).prefix(4)), [0x82, 126, 0, 126])
        XCTAssertEqual(Array(encoded(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 65535))).prefix(4)), [0x82, 126, 0xFF, 0xFF])
        XCTAssertEqual(encoded(WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 65535))).count, 65539)
    }

    func testRSVBits() {
        XCTAssertEqual(encoded(WebSocketFrame(rsv1: true, rsv2: true, rsv3: true, opcode: .binary))[0], 0xF2)
    }

    func testCloseFrame() {
        var output: [UInt8] = []
        WebSocketFrameEncoder.encodeClose(code: 1001, reason: "bye", into: &output)
        XCTAssertEqual(output, [0x88, 0x05, 0x03, 0xE9, 0x62, 0x79, 0x65])
    }

    func testRoundTripsInBothRoles() throws {
        let frames = [
            WebSocketFrame(opcode: .text, payload: "héllo".bytes), WebSocketFrame(fin: false, opcode: .binary, payload: [UInt8](repeating: 7, count: 300)),
            WebSocketFrame(opcode: .continuation, payload: [UInt8](repeating: 9, count: 70000)), WebSocketFrame(opcode: .pong),
        ]
        var masked: [UInt8] = []
        var unmasked: [UInt8] = []
        for (i, frame) in frames.enumerated() {
            WebSocketFrameEncoder.encode(frame, maskingKey: [UInt8(i), 0xA5, 0x5A, 0xFF], into: &masked)
            WebSocketFrameEncoder.encode(frame, into: &unmasked)
        }
        var server = WebSocketFrameDecoder(maxFrameSize: 1 << 17)
        XCTAssertEqual(DripFeed.decode(masked, with: &server, pieceSize: 7).messages, frames)
        var client = WebSocketFrameDecoder(role: .client, maxFrameSize: 1 << 17)
        XCTAssertEqual(DripFeed.decode(unmasked, with: &client, pieceSize: 7).messages, frames)
    }
}
