/// A WebSocket connection after the upgrade, seen as a byte stream: the payloads of its binary
/// frames in order, each `write` one binary frame back. For a protocol carried over WebSocket as
/// bytes (MQTT, RFC 6455 with `Sec-WebSocket-Protocol: mqtt`): a packet may span frames and a
/// frame may hold several packets, so the protocol's own decoder reassembles as it does on TCP,
/// and its session code runs unchanged over both. Pings are answered (only the latest pong is
/// held while output waits), a close is echoed; a text frame closes with 1003 and a framing error
/// with its RFC 6455 code. Loop thread only, like the stream it wraps.
public final class WebSocketByteStream: ByteStream, StreamHandler {
    public let loop: EventLoop
    public var handler: (any StreamHandler)?
    private let stream: any ByteStream
    private var decoder: WebSocketFrameDecoder
    private var closeSent = false
    private var pendingPong: [UInt8]?
    private var frame: [UInt8] = []
    /// Called once with why the peer broke the protocol, for the endpoint's log.
    private let violated: (String) -> Void

    /// Takes over `stream` (its handler becomes this) right after the 101 was written.
    public init(upgraded stream: any ByteStream, maxFrameSize: Int, violated: @escaping (String) -> Void = { _ in }) {
        self.stream = stream
        loop = stream.loop
        decoder = WebSocketFrameDecoder(role: .server, maxFrameSize: maxFrameSize)
        self.violated = violated
        stream.handler = self
    }

    public var remoteAddress: String { stream.remoteAddress }
    public var peerCertificates: [[UInt8]] { stream.peerCertificates }
    public var pendingWriteBytes: Int { stream.pendingWriteBytes + (pendingPong?.count ?? 0) }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard !closeSent else { return }
        frame.removeAll(keepingCapacity: true)
        WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .binary, payload: Array(bytes)), into: &frame)
        stream.write(frame)
    }

    /// Ends with a close frame (1000) after what was written; `immediately` drops the TCP
    /// connection without one, as the protocol inside asked.
    public func close(immediately: Bool) {
        if immediately {
            closeSent = true
            stream.close(immediately: true)
        } else {
            sendClose(code: 1000, reason: "")
        }
    }

    public func pauseReading() { stream.pauseReading() }
    public func resumeReading() { stream.resumeReading() }

    public func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        decoder.append(bytes)
        do {
            while !closeSent, let frame = try decoder.next() {
                switch frame.opcode {
                case .binary, .continuation:
                    frame.payload.withUnsafeBytes { handler?.streamReceived(self, $0) }
                case .text:
                    violated("a text frame where only binary frames carry the protocol")
                    sendClose(code: 1003, reason: "binary frames only")
                case .ping:
                    var pong: [UInt8] = []
                    WebSocketFrameEncoder.encode(WebSocketFrame(opcode: .pong, payload: frame.payload), into: &pong)
                    if stream.pendingWriteBytes == 0 { stream.write(pong) } else { pendingPong = pong }
                case .pong:
                    continue
                case .close:
                    sendClose(code: 1000, reason: "")
                }
            }
        } catch {
            violated(error.reason)
            sendClose(code: error.closeCode, reason: error.reason)
        }
    }

    public func streamDrained(_ stream: any ByteStream) {
        if let pong = pendingPong, !closeSent {
            pendingPong = nil
            stream.write(pong)
        }
        handler?.streamDrained(self)
    }

    public func streamClosed(_ stream: any ByteStream) {
        handler?.streamClosed(self)
        handler = nil
    }

    private func sendClose(code: UInt16, reason: String) {
        guard !closeSent else { return }
        closeSent = true
        stream.closeWebSocket(code: code, reason: reason)
    }
}

extension ByteStream {
    /// Writes a WebSocket close frame and closes once it is flushed: the last thing a server
    /// side of RFC 6455 sends (section 5.5.1).
    func closeWebSocket(code: UInt16, reason: String) {
        var frame: [UInt8] = []
        WebSocketFrameEncoder.encodeClose(code: code, reason: reason, into: &frame)
        write(frame)
        close()
    }
}
