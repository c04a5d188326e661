import Glibc
import HTTP1Codec

/// One admin connection: one request, decoded by the shared HTTP/1.1 decoder, one response, close.
///
/// The peer controls every size and every wait here, so both are bounded: the decoder's limits
/// (answered 400, 413, 414 or 431), and one deadline for the whole request and one for the whole
/// response (answered 408, or the connection is dropped), however slowly the bytes trickle; the
/// lingering read after the answer is bounded as well.
enum AdminConnection {
    static let limits = HTTPDecoderLimits(
        maxTargetBytes: 1024, maxHeaderBytes: 8192, maxHeaderCount: 32, maxBodyBytes: 4096, maxChunkLineBytes: 64)
    static let requestTimeoutMilliseconds = 2000
    static let responseTimeoutMilliseconds = 2000

    static func serve(_ fd: Int32, handler: AdminServer.Handler) {
        let response: AdminServer.Response
        var method = ""
        switch read(fd) {
        case .request(let request):
            method = request.head.method
            response = handler(request.head.method, request.head.path)
        case .malformed(let error):
            response = AdminServer.Response(status: error.status, body: error.reason + "\n")
        case .timedOut:
            response = AdminServer.Response(status: 408, body: "the request did not arrive within \(requestTimeoutMilliseconds) ms\n")
        case .closed:
            return
        }
        var output: [UInt8] = []
        encode(response, respondingToHEAD: method == "HEAD", into: &output)
        write(output, to: fd)
        drainUnread(fd)
    }

    /// The response as the shared encoder frames it, with its registered reason phrase.
    static func encode(_ response: AdminServer.Response, respondingToHEAD: Bool = false, into output: inout [UInt8]) {
        var headers: HTTPHeaders = ["Content-Type": response.contentType, "Connection": "close"]
        for (name, value) in response.headers { try? headers.add(name: name, value: value) }
        let message = HTTPResponse(status: response.status, headers: headers, body: Array(response.body.utf8))
        HTTPResponseEncoder.encode(message, respondingToHEAD: respondingToHEAD, into: &output)
    }

    private enum Outcome {
        case request(HTTPRequest)
        case malformed(HTTPParseError)
        case timedOut
        case closed
    }

    private static func read(_ fd: Int32) -> Outcome {
        var decoder = HTTPRequestDecoder(limits: limits)
        var chunk = [UInt8](repeating: 0, count: 2048)
        let deadline = monotonicMilliseconds() + requestTimeoutMilliseconds
        while true {
            do throws(HTTPParseError) {
                if let request = try decoder.next() { return .request(request) }
            } catch {
                return .malformed(error)
            }
            guard wait(fd, for: Int16(POLLIN), until: deadline) else { return .timedOut }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { return .closed }
            chunk.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }

    private static func write(_ bytes: [UInt8], to fd: Int32) {
        let deadline = monotonicMilliseconds() + responseTimeoutMilliseconds
        var offset = 0
        while offset < bytes.count, wait(fd, for: Int16(POLLOUT), until: deadline) {
            let count = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { return }
            offset += count
        }
    }

    /// After an early answer (a 413 before the body, a 431 mid-header) the peer may still be
    /// sending; closing with its bytes unread would reset the connection and could destroy the
    /// answer before the peer read it. So: end our side, then read and drop what still comes, for
    /// a bounded time and size.
    private static func drainUnread(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = monotonicMilliseconds() + 500
        var chunk = [UInt8](repeating: 0, count: 4096)
        var drained = 0
        while drained < 1 << 20, wait(fd, for: Int16(POLLIN), until: deadline) {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            drained += count
        }
    }

    /// Whether `fd` became ready for `events` before `deadline`.
    private static func wait(_ fd: Int32, for events: Int16, until deadline: Int) -> Bool {
        while true {
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(remaining))
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }

    private static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }
}
