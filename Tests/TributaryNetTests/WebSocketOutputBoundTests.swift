import XCTest
@testable import TributaryNet

/// What a WebSocket client that never reads can make the server hold (issue #12 items 2 and 9):
/// one pong however many pings, and at most `maxPendingBytes` of messages, the rest refused
/// by `send` so the host's bus counts them as dropped.
final class WebSocketOutputBoundTests: XCTestCase {
    /// A socket whose peer never reads: the kernel takes nothing, so every byte written stays
    /// pending, which is what a stalled client looks like from the server.
    private final class StalledStream: ByteStream, @unchecked Sendable {
        let loop: EventLoop
        var handler: (any StreamHandler)?
        let remoteAddress = "127.0.0.1:1"
        let peerCertificates: [[UInt8]] = []
        var written: [UInt8] = []
        var pendingWriteBytes: Int { written.count }
        init(loop: EventLoop) { self.loop = loop }
        func write(_ bytes: UnsafeRawBufferPointer) { written += bytes }
        func close(immediately: Bool) {}
        func pauseReading() {}
        func resumeReading() {}
    }

    private final class NoDelegate: WebSocketDelegate {
        func webSocketOpened(_ session: WebSocketSession) {}
        func webSocket(_ session: WebSocketSession, received event: WebSocketEvent) {}
        func webSocketClosed(_ session: WebSocketSession) {}
    }

    private func ping(_ payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .ping, payload: payload), maskingKey: [1, 2, 3, 4], into: &frame)
        return frame
    }

    func testPingFloodHoldsOnePongWhileTheClientDoesNotRead() throws {
        let loop = try EventLoop(name: "pong-bound")
        let stream = StalledStream(loop: loop)
        let session = WebSocketSession(stream: stream, delegate: NoDelegate())
        let payload = [UInt8](repeating: 0x61, count: 125)
        let burst = (0..<1000).flatMap { _ in ping(payload) }
        for _ in 0..<100 { burst.withUnsafeBytes { session.streamReceived(stream, $0) } }
        let last = ping([0x7a])
        last.withUnsafeBytes { session.streamReceived(stream, $0) }

        // 100,001 pings: the first pong went to the socket, only the latest one is held.
        let pongFrame = 2 + 125
        XCTAssertEqual(stream.pendingWriteBytes, pongFrame)
        XCTAssertEqual(session.outputBytes, pongFrame + 3)

        // The socket drains: the held pong answers the most recent ping.
        stream.written.removeAll()
        session.streamDrained(stream)
        XCTAssertEqual(stream.written, [0x8a, 0x01, 0x7a])
        XCTAssertEqual(session.outputBytes, 3)
    }

    func testMessagesPastTheBoundAreRefusedWhereTheCallerCanCountThem() throws {
        let loop = try EventLoop(name: "send-bound")
        loop.start()
        defer { loop.stop() }
        let stream = StalledStream(loop: loop)
        let session = WebSocketSession(stream: stream, delegate: NoDelegate())
        let text = String(repeating: "e", count: 1000)
        let frameSize = 4 + 1000
        var accepted = 0
        for _ in 0..<2000 where session.send(text: text) { accepted += 1 }
        let flushed = DispatchSemaphore(value: 0)
        loop.execute { flushed.signal() }
        flushed.wait()

        // Up to the bound; one frame fewer when a send saw the one being written counted twice.
        let fit = (WebSocketSession.maxPendingBytes + frameSize - 1) / frameSize
        XCTAssertTrue((fit - 1...fit).contains(accepted), "\(accepted) accepted")
        XCTAssertEqual(stream.pendingWriteBytes, accepted * frameSize)
        XCTAssertLessThan(stream.pendingWriteBytes, WebSocketSession.maxPendingBytes + frameSize)
    }
}
