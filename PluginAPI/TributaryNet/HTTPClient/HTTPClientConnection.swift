/// One client connection (plain or TLS) of a pool: carries one request at a time, decodes its
/// response, and goes back to the pool when the response allows keep-alive. Runs on its loop.
final class HTTPClientConnection: StreamHandler {
    private let stream: any ByteStream
    private let pool: HTTPConnectionPool
    private var decoder: HTTPResponseDecoder
    private var current: PendingHTTPRequest?
    /// Responses completed on this connection: a reused connection may have been closed by the
    /// server while idle.
    private var served = 0
    private var receivedResponseBytes = false
    /// When it last went idle (monotonic nanoseconds); the pool closes it after the idle timeout.
    private(set) var idleSince: Int64 = 0

    init(stream: any ByteStream, pool: HTTPConnectionPool, limits: HTTPDecoderLimits) {
        self.stream = stream
        self.pool = pool
        decoder = HTTPResponseDecoder(limits: limits)
        stream.handler = self
    }

    private var loop: EventLoop { stream.loop }

    func run(_ request: PendingHTTPRequest) {
        current = request
        request.connection = self
        receivedResponseBytes = false
        decoder.expectResponse(toMethod: request.method)
        request.bytes.withUnsafeBytes { stream.write($0) }
    }

    func becameIdle(at now: Int64) { idleSince = now }

    /// Closes an idle connection (the pool's idle sweep).
    func close() { stream.close(immediately: true) }

    /// The request timed out: this connection's state is unknown now, so it closes.
    func abandon(_ request: PendingHTTPRequest) {
        guard current === request else { return }
        current = nil
        stream.close(immediately: true)
    }

    func shutdown() {
        let request = current
        current = nil
        stream.close(immediately: true)
        request?.finish(.failure(.shutdown), on: loop)
    }

    func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        guard let request = current else {
            // Nothing was asked: a server talking out of turn (or a 408 before closing).
            stream.close(immediately: true)
            return
        }
        receivedResponseBytes = true
        decoder.append(bytes)
        let response: HTTPClientResponse?
        do {
            response = try decoder.next()
        } catch {
            current = nil
            stream.close(immediately: true)
            request.finish(.failure(.malformedResponse(error)), on: loop)
            return
        }
        guard let response else { return }
        current = nil
        served += 1
        // Free the connection first, so that a request the completion sends can take it.
        if response.keepAlive && decoder.isIdle {
            pool.released(self)
        } else {
            stream.close(immediately: true)
        }
        request.finish(.success(response), on: loop)
    }

    func streamClosed(_ stream: any ByteStream) {
        guard let request = current else {
            pool.closed(self)
            return
        }
        current = nil
        request.connection = nil
        if !receivedResponseBytes && served > 0 && !request.resentAfterStaleConnection {
            request.resentAfterStaleConnection = true
            pool.closed(self, resend: request)
            return
        }
        pool.closed(self)
        let result: Result<HTTPClientResponse, HTTPClientError>
        do {
            if let response = try decoder.finish() {
                result = .success(response)
            } else {
                result = .failure(failureReason())
            }
        } catch {
            result = .failure(receivedResponseBytes ? .malformedResponse(error) : failureReason())
        }
        request.finish(result, on: loop)
    }

    private func failureReason() -> HTTPClientError {
        if let tls = stream as? TLSStream, !tls.isHandshakeComplete {
            return .tlsFailed(tls.handshakeFailure ?? "the server closed the connection during the handshake")
        }
        return .connectionClosed
    }
}
