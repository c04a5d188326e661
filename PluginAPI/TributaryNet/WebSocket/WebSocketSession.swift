import Synchronization

/// A server-side WebSocket connection after the upgrade: decodes and reassembles client frames,
/// answers pings, closes with the right code on a protocol error, and sends messages from any
/// thread. A consumer that reads slower than events arrive does not grow memory without bound:
/// past `maxPendingBytes` waiting for the socket, new messages are dropped and `send` says so.
/// Pongs never queue: while output waits, only the latest pong is held (RFC 6455 section 5.5.3
/// lets a pong answer just the most recent ping) and it is written when the socket drains, so
/// a client that pings and never reads holds one control frame here, not one per ping.
public final class WebSocketSession: StreamHandler, @unchecked Sendable {
    public let loop: EventLoop
    public let remoteAddress: String
    public static let maxPendingBytes = 1 << 20
    private let stream: any ByteStream
    private let delegate: any WebSocketDelegate
    private var decoder = WebSocketFrameDecoder(role: .server)
    private var assembler = WebSocketMessageAssembler()
    private var closeSent = false
    private var pendingPong: [UInt8]?
    private let ended = Atomic<Bool>(false)
    /// Frames `send` accepted that the loop has not written yet.
    private let queuedBytes = Atomic<Int>(0)
    /// `outputBytes` as the loop last saw it, for `send` on other threads. It may overstate
    /// (the kernel took bytes since) but never for long: it is refreshed when the socket drains.
    private let writtenBytes = Atomic<Int>(0)

    init(stream: any ByteStream, delegate: any WebSocketDelegate) {
        self.stream = stream
        self.delegate = delegate
        loop = stream.loop
        remoteAddress = stream.remoteAddress
        stream.handler = self
    }

    /// Queues a text message; false when the session is gone or the client is too far behind
    /// (the message is then dropped). The verdict is given here, not later on the loop, so a
    /// caller counting refusals (the host's bus) counts every message the client loses.
    @discardableResult
    public func send(text: String) -> Bool {
        guard !ended.load(ordering: .acquiring) else { return false }
        var encoded: [UInt8] = []
        WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .text, payload: Array(text.utf8)), into: &encoded)
        let frame = encoded, size = encoded.count
        let ahead = queuedBytes.add(size, ordering: .relaxed).newValue - size + writtenBytes.load(ordering: .relaxed)
        guard ahead < WebSocketSession.maxPendingBytes else {
            queuedBytes.subtract(size, ordering: .relaxed)
            return false
        }
        loop.execute { [self] in
            // The frame moves from `queuedBytes` to `writtenBytes` in that order, so a `send`
            // on another thread may count it twice for a moment but never misses it.
            if !closeSent {
                stream.write(frame)
                writtenBytes.store(outputBytes, ordering: .relaxed)
            }
            queuedBytes.subtract(size, ordering: .relaxed)
        }
        return true
    }

    /// Sends a close frame and ends the session.
    public func close(code: UInt16 = 1000, reason: String = "") {
        loop.execute { [self] in sendClose(code: code, reason: reason) }
    }

    public func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        decoder.append(bytes)
        do {
            while !closeSent, let frame = try decoder.next() {
                guard let event = try assembler.assemble(frame) else { continue }
                switch event {
                case .ping(let payload):
                    var pong: [UInt8] = []
                    WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .pong, payload: payload), into: &pong)
                    if stream.pendingWriteBytes == 0 { stream.write(pong) } else { pendingPong = pong }
                    writtenBytes.store(outputBytes, ordering: .relaxed)
                case .pong:
                    continue
                case .close(let code, _):
                    sendClose(code: code ?? 1000, reason: "")
                case .text, .binary:
                    delegate.webSocket(self, received: event)
                }
            }
        } catch {
            delegate.webSocket(self, violated: error.reason, closing: error.closeCode)
            sendClose(code: error.closeCode, reason: error.reason)
        }
    }

    public func streamDrained(_ stream: any ByteStream) {
        if let pong = pendingPong, !closeSent {
            pendingPong = nil
            stream.write(pong)
        }
        writtenBytes.store(outputBytes, ordering: .relaxed)
    }

    public func streamClosed(_ stream: any ByteStream) {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        delegate.webSocketClosed(self)
    }

    /// What this session holds for the client: the stream's unsent bytes and a held pong.
    var outputBytes: Int { stream.pendingWriteBytes + (pendingPong?.count ?? 0) }

    private func sendClose(code: UInt16, reason: String) {
        guard !closeSent else { return }
        closeSent = true
        stream.closeWebSocket(code: code, reason: reason)
    }
}
