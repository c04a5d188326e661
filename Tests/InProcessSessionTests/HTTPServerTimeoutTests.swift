@testable import TributaryNet
import XCTest

/// The HTTP/1.1 server's timeouts on manual time: a request that does not arrive in time gets
/// 408, an idle keep-alive connection is closed without a word.
final class HTTPServerTimeoutTests: ManualLoopTestCase {
    private let configuration = HTTPServerConfiguration(requestTimeoutMilliseconds: 10_000, idleTimeoutMilliseconds: 60_000)

    private func connection() -> FakeByteStream {
        let stream = FakeByteStream(loop: loop.loop)
        let configuration = configuration
        loop.sync { _ = HTTPServerConnection(stream: stream, handler: AcceptingHandler(), configuration: configuration) }
        return stream
    }

    private func send(_ text: String, to stream: FakeByteStream) {
        loop.sync { stream.receive(Array(text.utf8)) }
    }

    private func state(_ stream: FakeByteStream) -> (written: String, closed: Bool) {
        loop.sync {}
        return loop.sync { (String(decoding: stream.takeWritten(), as: UTF8.self), stream.isClosed) }
    }

    func testARequestThatDoesNotArriveInTimeGets408() {
        let stream = connection()
        send("POST /v1/telemetry HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", to: stream)
        loop.advance(milliseconds: 9_999)
        XCTAssertEqual(state(stream).closed, false)
        loop.advance(milliseconds: 1)
        XCTAssertTrue(state(stream).written.hasPrefix("HTTP/1.1 408 "))
        // A lingering close: what the client still sends is read and dropped for a second, so
        // the kernel does not reset the connection before the client has read the 408.
        XCTAssertFalse(state(stream).closed)
        loop.advance(milliseconds: 1_000)
        XCTAssertTrue(state(stream).closed)
    }

    func testAnIdleConnectionIsClosedQuietly() {
        let stream = connection()
        send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", to: stream)
        XCTAssertTrue(state(stream).written.hasPrefix("HTTP/1.1 204 "))
        loop.advance(milliseconds: 59_999)
        XCTAssertEqual(state(stream).closed, false, "the idle timeout counts from the response, not the request timeout")
        loop.advance(milliseconds: 1)
        XCTAssertEqual(state(stream).written, "", "no 408 for a connection between requests")
        XCTAssertTrue(state(stream).closed)
    }

    func testTheFirstByteOfARequestSwitchesFromIdleToRequestTimeout() {
        let stream = connection()
        loop.advance(seconds: 20)
        send("GET / HT", to: stream)
        loop.advance(milliseconds: 10_000)
        let written = state(stream).written
        XCTAssertTrue(written.hasPrefix("HTTP/1.1 408 "), "10 s after the first byte, not 60 s after connecting: \(written)")
        loop.advance(milliseconds: 1_000)
        XCTAssertTrue(state(stream).closed, "after the lingering close")
    }
}

/// Answers every request at once with 204.
private final class AcceptingHandler: HTTPRequestHandler {
    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder) {
        responder.respond(HTTPResponse(status: 204))
    }
}
