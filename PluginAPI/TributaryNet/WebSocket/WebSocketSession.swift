import Synchronization

/// A server-side WebSocket connection after the upgrade: decodes and reassembles client frames,
/// answers pings, closes with the right code on a protocol error, and sends messages from any
/// thread. A consumer that reads slower than events arrive does not grow memory without bound:
/// past `maxPendingBytes` waiting for the socket, new messages are dropped and `send` says so.
public final class WebSocketSession: StreamHandler, @unchecked Sendable {
    public let loop: EventLoop
    public let remoteAddress: String
    public static let maxPendingBytes = 1 << 20
    private let stream: any ByteStream
    private let delegate: any WebSocketDelegate
    private var decoder = WebSocketFrameDecoder(role: .server)
    private var assembler = WebSocketMessageAssembler()
    private var closeSent = false
    private let ended = Atomic<Bool>(false)

    init(stream: any ByteStream, delegate: any WebSocketDelegate) {
        self.stream = stream
        self.delegate = delegate
        loop = stream.loop
        remoteAddress = stream.remoteAddress
        stream.handler = self
    }

    /// Queues a text message; false when the session is gone or the client is too far behind
    /// (the message is then dropped).
    @discardableResult
    public func send(text: String) -> Bool {
        guard !ended.load(ordering: .acquiring) else { return false }
        loop.execute { [self] in
            guard !closeSent, stream.pendingWriteBytes < WebSocketSession.maxPendingBytes else { return }
            var frame: [UInt8] = []
            WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .text, payload: Array(text.utf8)), into: &frame)
            stream.write(frame)
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
                    stream.write(pong)
                case .pong:
                    continue
                case .close(let code, _):
                    sendClose(code: code ?? 1000, reason: "")
                case .text, .binary:
                    delegate.webSocket(self, received: event)
                }
            }
        } catch {
            sendClose(code: error.closeCode, reason: error.reason)
        }
    }

    public func streamClosed(_ stream: any ByteStream) {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        delegate.webSocketClosed(self)
    }

    private func sendClose(code: UInt16, reason: String) {
        guard !closeSent else { return }
        closeSent = true
        var frame: [UInt8] = []
        WebSocketFrameEncoder.encodeClose(code: code, reason: reason, into: &frame)
        stream.write(frame)
        stream.close()
    }
}
