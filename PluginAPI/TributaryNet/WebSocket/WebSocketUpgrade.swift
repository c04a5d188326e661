/// The opening of a listener that carries a byte protocol over WebSocket (MQTT over WebSocket):
/// reads the HTTP/1.1 upgrade request of a fresh connection, checks the RFC 6455 handshake and
/// that the client offers `subprotocol` in `Sec-WebSocket-Protocol`, answers 101 naming it, and
/// hands the connection on as a `WebSocketByteStream`. Anything else (another subprotocol, no
/// upgrade, a request head over the limits, nothing within the timeout) is answered with its
/// status and closed before the protocol inside sees a byte, so no session of it starts.
/// Loop thread only.
public final class WebSocketUpgrade: StreamHandler {
    private let subprotocol: String
    private let maxFrameSize: Int
    private let refused: (String) -> Void
    private let opened: (WebSocketByteStream) -> Void
    private var decoder = HTTPRequestDecoder(limits: HTTPDecoderLimits(maxTargetBytes: 2048, maxHeaderBytes: 8192, maxHeaderCount: 50, maxBodyBytes: 0))
    private var timer: UInt64?
    private var done = false

    /// Starts reading `stream`'s upgrade request. `refused` gets a line for the log (the peer and
    /// why); `opened` the stream once the 101 is written.
    public static func serve(_ stream: any ByteStream, subprotocol: String, maxFrameSize: Int, timeoutMilliseconds: Int64,
                             refused: @escaping (String) -> Void, opened: @escaping (WebSocketByteStream) -> Void) {
        let upgrade = WebSocketUpgrade(subprotocol: subprotocol, maxFrameSize: maxFrameSize, refused: refused, opened: opened)
        stream.handler = upgrade
        upgrade.timer = stream.loop.scheduleTimer(afterMilliseconds: timeoutMilliseconds) { [weak upgrade, weak stream] in
            guard let upgrade, let stream, !upgrade.done else { return }
            upgrade.refuse(stream, HTTPResponse(status: 408), "no WebSocket upgrade request within \(timeoutMilliseconds) ms")
        }
    }

    private init(subprotocol: String, maxFrameSize: Int, refused: @escaping (String) -> Void, opened: @escaping (WebSocketByteStream) -> Void) {
        self.subprotocol = subprotocol
        self.maxFrameSize = maxFrameSize
        self.refused = refused
        self.opened = opened
    }

    public func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        guard !done else { return }
        decoder.append(bytes)
        let request: HTTPRequest
        do {
            guard let decoded = try decoder.next() else { return }
            request = decoded
        } catch {
            return refuse(stream, HTTPResponse(status: 400), "malformed upgrade request: \(error)")
        }
        var response = WebSocketHandshake.response(to: request.head)
        guard response.status == 101 else { return refuse(stream, response, "not a WebSocket upgrade (\(response.status))") }
        guard request.head.headers.containsToken(subprotocol, inList: "Sec-WebSocket-Protocol") else {
            let offered = request.head.headers.values("Sec-WebSocket-Protocol").joined(separator: ", ")
            return refuse(stream, HTTPResponse(status: 400, body: Array("Sec-WebSocket-Protocol must offer \(subprotocol)\n".utf8)),
                          "WebSocket subprotocol '\(offered)' is not \(subprotocol)")
        }
        // The client speaks only after the 101, so nothing may follow the request yet.
        guard decoder.bufferedByteCount == 0 else {
            return refuse(stream, HTTPResponse(status: 400), "data sent before the WebSocket handshake completed")
        }
        finish(stream)
        response.headers.appendValidated(name: "Sec-WebSocket-Protocol", value: subprotocol)
        var output: [UInt8] = []
        HTTPResponseEncoder.encode(response, into: &output)
        stream.write(output)
        opened(WebSocketByteStream(upgraded: stream, maxFrameSize: maxFrameSize, violated: { [refused, remote = stream.remoteAddress] reason in
            refused("\(remote): \(reason)")
        }))
    }

    public func streamClosed(_ stream: any ByteStream) { finish(stream) }

    public func streamDrained(_ stream: any ByteStream) {}

    private func refuse(_ stream: any ByteStream, _ response: HTTPResponse, _ reason: String) {
        finish(stream)
        refused("\(stream.remoteAddress): \(reason)")
        var response = response
        response.headers.appendValidated(name: "Connection", value: "close")
        var output: [UInt8] = []
        HTTPResponseEncoder.encode(response, into: &output)
        stream.write(output)
        stream.close()
    }

    private func finish(_ stream: any ByteStream) {
        done = true
        if let timer {
            stream.loop.cancelTimer(timer)
            self.timer = nil
        }
    }
}
