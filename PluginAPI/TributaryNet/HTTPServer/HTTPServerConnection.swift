import TributarySDK

/// One HTTP/1.1 connection: decodes requests, hands them to the handler one at a time (pipelined
/// requests wait, undecoded, in order), writes responses in order, and enforces the timeouts.
/// It reads only while what waits is bounded: pipelined requests up to one request's limits, and
/// unsent responses up to `maxUnsentBytes` (a client that pipelines without reading its
/// responses is not read either). Everything runs on the connection's loop.
final class HTTPServerConnection: StreamHandler, @unchecked Sendable {
    private let stream: any ByteStream
    private let handler: any HTTPRequestHandler
    private let configuration: HTTPServerConfiguration
    private var decoder: HTTPRequestDecoder
    private var busy = false
    private var closing = false
    private var timer: UInt64?
    private var timerIsIdle = false
    private var lastRequestKeepsAlive = true
    private var output: [UInt8] = []
    private var headRequest = false
    /// Responses the kernel has not taken exceed `maxUnsentBytes`: nothing is handled until
    /// they drain.
    private var writeBlocked = false
    /// After a refusal: what the client still sends is read and dropped (see `lingerThenClose`).
    private var discarding = false
    private var discardedBytes = 0
    static let maxUnsentBytes = 64 * 1024

    var loop: EventLoop { stream.loop }

    init(stream: any ByteStream, handler: any HTTPRequestHandler, configuration: HTTPServerConfiguration) {
        self.stream = stream
        self.handler = handler
        self.configuration = configuration
        decoder = HTTPRequestDecoder(limits: configuration.limits)
        stream.handler = self
        armTimer()
    }

    func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        if discarding {
            discardedBytes += bytes.count
            if discardedBytes > 1 << 20 { stream.close() }
            return
        }
        decoder.append(bytes)
        if timerIsIdle && !decoder.isIdle {
            cancelTimer()
            armTimer()
        }
        processNext()
        updateReading()
    }

    func streamDrained(_ stream: any ByteStream) {
        guard writeBlocked, !closing else { return }
        writeBlocked = false
        cancelTimer()
        processNext()
        updateReading()
    }

    /// Stops reading rather than buffer without bound; resumes once what waits is back in bounds.
    private func updateReading() {
        let pipelined = decoder.bufferedByteCount > configuration.limits.maxHeaderBytes + configuration.limits.maxBodyBytes
        if writeBlocked || pipelined { stream.pauseReading() } else { stream.resumeReading() }
    }

    func streamClosed(_ stream: any ByteStream) {
        closing = true
        cancelTimer()
    }

    private func processNext() {
        guard !busy, !closing, !writeBlocked else { return }
        do {
            if let request = try decoder.next() {
                busy = true
                cancelTimer()
                headRequest = request.head.method == "HEAD"
                lastRequestKeepsAlive = request.head.keepAlive
                let info = HTTPConnectionInfo(remoteAddress: stream.remoteAddress, isTLS: stream is TLSStream,
                                              peerCertificates: stream.peerCertificates)
                handler.handle(request, connection: info, responder: HTTPResponder(connection: self))
                return
            }
            if decoder.awaitingContinue {
                output.removeAll(keepingCapacity: true)
                HTTPResponseEncoder.continueResponse(into: &output)
                stream.write(output)
                decoder.continueSent()
            }
            armTimer()
        } catch {
            fail(status: error.status, reason: error.reason)
        }
    }

    /// Writes the response; then the next pipelined request, or closes.
    func finish(_ response: HTTPResponse) {
        guard !closing else { return }
        var response = response
        let keepAlive = response.headers["Connection"]?.lowercased() != "close" && lastRequestKeepsAlive
        if !keepAlive { try? response.headers.replaceOrAdd(name: "Connection", value: "close") }
        output.removeAll(keepingCapacity: true)
        HTTPResponseEncoder.encode(response, respondingToHEAD: headRequest, into: &output)
        stream.write(output)
        busy = false
        if !keepAlive {
            closing = true
            stream.close()
            return
        }
        if stream.pendingWriteBytes > HTTPServerConnection.maxUnsentBytes {
            writeBlocked = true
            // A client that never reads is closed like an idle one.
            armTimer()
        } else {
            processNext()
        }
        updateReading()
    }

    /// Switches the connection to WebSocket after writing `response` (101).
    func upgrade(_ response: HTTPResponse, to delegate: any WebSocketDelegate) {
        guard !closing else { return }
        output.removeAll(keepingCapacity: true)
        HTTPResponseEncoder.encode(response, into: &output)
        stream.write(output)
        guard response.status == 101 else {
            busy = false
            processNext()
            return
        }
        closing = true
        cancelTimer()
        let session = WebSocketSession(stream: stream, delegate: delegate)
        delegate.webSocketOpened(session)
    }

    /// A request the connection cannot continue after: answer it and close.
    private func fail(status: Int, reason: String) {
        handler.protocolError(status, reason: reason, connection: HTTPConnectionInfo(
            remoteAddress: stream.remoteAddress, isTLS: stream is TLSStream, peerCertificates: []))
        closing = true
        cancelTimer()
        output.removeAll(keepingCapacity: true)
        var body = Array("{\"error\":".utf8)
        JSON.appendQuoted(HTTPResponse.reasonPhrase(for: status), to: &body)
        body += Array(",\"message\":".utf8)
        JSON.appendQuoted(reason, to: &body)
        body.append(UInt8(ascii: "}"))
        HTTPResponseEncoder.encode(HTTPResponse(status: status, headers: ["Connection": "close", "Content-Type": "application/json"], body: body),
                                   into: &output)
        stream.write(output)
        lingerThenClose()
    }

    /// Closing at once with the rest of a refused request unread makes the kernel reset the
    /// connection, and the client may lose the answer it has not read yet: read and drop what it
    /// still sends, for a second (and 1 MiB) at most, then close (nginx's lingering close).
    private func lingerThenClose() {
        discarding = true
        stream.resumeReading()
        timer = loop.scheduleTimer(afterMilliseconds: 1_000) { [self] in
            timer = nil
            stream.close()
        }
    }

    /// Idle between requests: close quietly. Inside a request: 408.
    private func armTimer() {
        guard timer == nil, !closing else { return }
        let idle = decoder.isIdle
        timerIsIdle = idle
        timer = loop.scheduleTimer(afterMilliseconds: idle ? configuration.idleTimeoutMilliseconds : configuration.requestTimeoutMilliseconds) { [self] in
            timer = nil
            guard !busy, !closing else { return }
            if decoder.isIdle {
                closing = true
                stream.close()
            } else {
                fail(status: 408, reason: "the request did not arrive in time")
            }
        }
    }

    private func cancelTimer() {
        if let timer { loop.cancelTimer(timer) }
        timer = nil
    }
}
