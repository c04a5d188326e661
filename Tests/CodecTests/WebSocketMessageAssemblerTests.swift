import XCTest
@testable import WebSocketCodec

final class WebSocketMessageAssemblerTests: XCTestCase {
    private func assemble(_ frames: [WebSocketFrame], maxMessageSize: Int = 1 << 20) -> (events: [WebSocketEvent], error: WebSocketError?) {
        var assembler = WebSocketMessageAssembler(maxMessageSize: maxMessageSize)
        var events: [WebSocketEvent] = []
        for frame in frames {
            do throws(WebSocketError) {
                if let event = try assembler.assemble(frame) { events.append(event) }
            } catch {
                return (events, error)
            }
        }
        return (events, nil)
    }

    func testSingleFrameMessages() {
        let result = assemble([WebSocketFrame(opcode: .text, payload: "Hello".bytes), WebSocketFrame(opcode: .binary, payload: [0, 255])])
        XCTAssertEqual(result.events, [.text("Hello"), .binary([0, 255])])
    }

    func testFragmentedTextWithInterleavedControlFrames() {
        var assembler = WebSocketMessageAssembler()
        XCTAssertNil(try assembler.assemble(WebSocketFrame(fin: false, opcode: .text, payload: "Hel".bytes)))
        XCTAssertTrue(assembler.isAssembling)
        XCTAssertEqual(try assembler.assemble(WebSocketFrame(opcode: .ping, payload: "p".bytes)), .ping("p".bytes))
        XCTAssertNil(try assembler.assemble(WebSocketFrame(fin: false, opcode: .continuation, payload: [])))
        XCTAssertEqual(try assembler.assemble(WebSocketFrame(opcode: .pong)), .pong([]))
        XCTAssertEqual(try assembler.assemble(WebSocketFrame(opcode: .continuation, payload: "lo".bytes)), .text("Hello"))
        XCTAssertFalse(assembler.isAssembling)
        XCTAssertEqual(try assembler.assemble(WebSocketFrame(fin: false, opcode: .binary, payload: [1])), nil)
        XCTAssertEqual(try assembler.assemble(WebSocketFrame(opcode: .continuation, payload: [2])), .binary([1, 2]))
    }

    func testUTF8SplitAcrossFragmentsIsValid() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let result = assemble([
            WebSocketFrame(fin: false, opcode: .text, payload: Array(euro[..<1])),
            WebSocketFrame(opcode: .continuation, payload: Array(euro[1...])),
        ])
        XCTAssertEqual(result.events, [.text("€")])
    }

    func testFragmentationErrors() {
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .continuation, payload: [1])]).error, .unexpectedContinuation)
        let interrupted = assemble([WebSocketFrame(fin: false, opcode: .text, payload: [0x61]), WebSocketFrame(opcode: .binary, payload: [1])])
        XCTAssertEqual(interrupted.error, .expectedContinuation)
        XCTAssertEqual(interrupted.error?.closeCode, 1002)
        XCTAssertEqual(assemble([WebSocketFrame(fin: false, opcode: .text), WebSocketFrame(opcode: .text)]).error, .expectedContinuation)
    }

    func testInvalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
            let result = assemble([WebSocketFrame(opcode: .text, payload: bad)])
            XCTAssertEqual(result.error, .invalidUTF8)
            XCTAssertEqual(result.error?.closeCode, 1007)
        }
        XCTAssertEqual(assemble([WebSocketFrame(fin: false, opcode: .text, payload: [0xE2]), WebSocketFrame(opcode: .continuation, payload: [0x82])]).error, .invalidUTF8)
    }

    func testMessageTooBig() {
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 11))], maxMessageSize: 10).error, .messageTooBig)
        let fragmented = assemble([
            WebSocketFrame(fin: false, opcode: .binary, payload: [UInt8](repeating: 0, count: 6)),
            WebSocketFrame(fin: false, opcode: .continuation, payload: [UInt8](repeating: 0, count: 4)),
            WebSocketFrame(opcode: .continuation, payload: [0]),
        ], maxMessageSize: 10)
        XCTAssertEqual(fragmented.error, .messageTooBig)
        XCTAssertEqual(fragmented.error?.closeCode, 1009)
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .binary, payload: [UInt8](repeating: 0, count: 10))], maxMessageSize: 10).events.count, 1)
    }

    func testClosePayloads() {
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .close)]).events, [.close(code: nil, reason: "")])
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .close, payload: [0x03, 0xE8])]).events, [.close(code: 1000, reason: "")])
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .close, payload: [0x0F, 0xA0] + "bye".bytes)]).events, [.close(code: 4000, reason: "bye")])
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .close, payload: [0x03])]).error, .badClosePayload)
        XCTAssertEqual(assemble([WebSocketFrame(opcode: .close, payload: [0x03, 0xE8, 0xFF])]).error, .invalidUTF8)
        for code: UInt16 in [0, 999, 1004, 1005, 1006, 1012, 1015, 1016, 2999, 5000, 65535] {
            let result = assemble([WebSocketFrame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])])
            XCTAssertEqual(result.error, .badCloseCode, "\(code)")
            XCTAssertEqual(result.error?.closeCode, 1002)
        }
        for code: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4999] {
            XCTAssertTrue(WebSocketMessageAssembler.isValidCloseCode(code), "\(code)")
        }
    }

    func testDecodedFramesAssemble() throws {
        // RFC 6455 section 5.7: the fragmented unmasked "Hello", as a client reads it.
        var decoder = WebSocketFrameDecoder(role: .client)
        ([0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f] as [UInt8]).withUnsafeBytes { decoder.append($0) }
        var assembler = WebSocketMessageAssembler()
        var events: [WebSocketEvent] = []
        while let frame = try decoder.next() {
            if let event = try assembler.assemble(frame) { events.append(event) }
        }
        XCTAssertEqual(events, [.text("Hello")])
    }
}
