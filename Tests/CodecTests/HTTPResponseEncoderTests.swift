import XCTest
@testable import HTTP1Codec

final class HTTPResponseEncoderTests: XCTestCase {
    private func encoded(_ response: HTTPResponse, head: Bool = false) -> String {
        var output: [UInt8] = []
        HTTPResponseEncoder.encode(response, respondingToHEAD: head, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    func testStatusLineHeadersLengthAndBody() {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: "hi".bytes)
        XCTAssertEqual(encoded(response), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi")
        XCTAssertEqual(encoded(HTTPResponse(status: 404)), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(encoded(HTTPResponse(status: 299)), "HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(encoded(HTTPResponse(status: 202, reason: "Queued")), "HTTP/1.1 202 Queued\r\nContent-Length: 0\r\n\r\n")
    }

    func testTheCallersContentLengthIsReplaced() {
        let response = HTTPResponse(status: 200, headers: ["content-length": "99", "X": "1"], body: "abc".bytes)
        XCTAssertEqual(encoded(response), "HTTP/1.1 200 OK\r\nX: 1\r\nContent-Length: 3\r\n\r\nabc")
    }

    func testTransferEncodingMeansTheCallerFramedTheBody() {
        let response = HTTPResponse(status: 200, headers: ["Transfer-Encoding": "chunked"], body: "1\r\na\r\n0\r\n\r\n".bytes)
        XCTAssertEqual(encoded(response), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n")
    }

    func testResponsesWithoutBody() {
        XCTAssertEqual(encoded(HTTPResponse(status: 204, headers: ["Content-Length": "5"], body: "x".bytes)), "HTTP/1.1 204 No Content\r\n\r\n")
        XCTAssertEqual(
            encoded(HTTPResponse(status: 101, headers: ["Upgrade": "websocket"])), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        XCTAssertEqual(
            encoded(HTTPResponse(status: 304, headers: ["Content-Length": "5"], body: "x".bytes)),
            "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")
    }

    func testHeadResponseCarriesTheLengthButNotTheBody() {
        XCTAssertEqual(encoded(HTTPResponse(status: 200, body: "hello".bytes), head: true), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
    }

    func testAReasonThatWouldSplitTheResponseIsReplaced() {
        XCTAssertEqual(
            encoded(HTTPResponse(status: 400, reason: "x\r\nSet-Cookie: a=b")), "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    }

    func testContinueResponse() {
        var output: [UInt8] = []
        HTTPResponseEncoder.continueResponse(into: &output)
        XCTAssertEqual(output, "HTTP/1.1 100 Continue\r\n\r\n".bytes)
    }

    func testReasonPhrases() {
        XCTAssertEqual(HTTPResponse.reasonPhrase(for: 413), "Content Too Large")
        XCTAssertEqual(HTTPResponse.reasonPhrase(for: 431), "Request Header Fields Too Large")
        XCTAssertEqual(HTTPResponse.reasonPhrase(for: 426), "Upgrade Required")
        XCTAssertEqual(HTTPResponse.reasonPhrase(for: 799), "")
        XCTAssertEqual(HTTPResponse(status: 505).reason, "HTTP Version Not Supported")
    }

    func testEncodedResponsesDecode() throws {
        var output: [UInt8] = []
        HTTPResponseEncoder.encode(HTTPResponse(status: 201, headers: ["Location": "/x"], body: "made".bytes), into: &output)
        HTTPResponseEncoder.encode(HTTPResponse(status: 204), into: &output)
        let result = DripFeed.decodeBothWays(output, { HTTPResponseDecoder() })
        XCTAssertNil(result.error)
        XCTAssertEqual(result.messages, [
            HTTPClientResponse(status: 201, reason: "Created", headers: ["Location": "/x", "Content-Length": "4"], body: "made".bytes),
            HTTPClientResponse(status: 204, reason: "No Content"),
        ])
    }
}
