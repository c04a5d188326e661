import XCTest
@testable import HTTP1Codec

final class HTTPResponseDecoderTests: XCTestCase {
    private func decode(_ text: String, methods: [String] = [], limits: HTTPDecoderLimits = HTTPDecoderLimits(),
                        file: StaticString = #filePath, line: UInt = #line) -> (messages: [HTTPClientResponse], error: HTTPParseError?) {
        DripFeed.decodeBothWays(text.bytes, {
            var decoder = HTTPResponseDecoder(limits: limits)
            for method in methods { decoder.expectResponse(toMethod: method) }
            return decoder
        }, file: file, line: line)
    }

    func testContentLengthBody() throws {
        let result = decode("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        let response = try XCTUnwrap(result.messages.first)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.reason, "OK")
        XCTAssertEqual(response.version, .http1_1)
        XCTAssertEqual(response.headers["content-type"], "application/json")
        XCTAssertEqual(response.body, "{}".bytes)
        XCTAssertTrue(response.keepAlive)
    }

    func testChunkedBodyWithTrailers() throws {
        let result = decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nExpires: never\r\n\r\n")
        XCTAssertEqual(result.messages.first?.body, "Wikipedia".bytes)
        XCTAssertEqual(result.messages.first?.trailers, ["Expires": "never"])
    }

    func testBodyUntilCloseEndsWithFinish() throws {
        var decoder = HTTPResponseDecoder()
        decoder.expectResponse(toMethod: "GET")
        "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nsome ".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertNil(try decoder.next())
        "bytes".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertNil(try decoder.next())
        XCTAssertFalse(decoder.isIdle)
        let response = try XCTUnwrap(try decoder.finish())
        XCTAssertEqual(response.body, "some bytes".bytes)
        XCTAssertEqual(response.version, .http1_0)
        XCTAssertFalse(response.keepAlive)
        XCTAssertTrue(decoder.isIdle)
        XCTAssertNil(try decoder.finish())
    }

    func testFinishInsideALengthDelimitedBodyIsATruncation() {
        var decoder = HTTPResponseDecoder()
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertThrowsError(try decoder.finish()) { XCTAssertEqual($0 as? HTTPParseError, .truncatedMessage) }
        var empty = HTTPResponseDecoder()
        XCTAssertNil(try empty.finish())
        var partialHead = HTTPResponseDecoder()
        "HTTP/1.1 200".bytes.withUnsafeBytes { partialHead.append($0) }
        XCTAssertThrowsError(try partialHead.finish())
    }

    func testInformationalResponsesAreSkipped() {
        let result = decode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
        XCTAssertEqual(result.messages.map(\.status), [200])
        XCTAssertEqual(result.messages.first?.body, "x".bytes)
    }

    func testSwitchingProtocolsIsReturnedWithoutBody() {
        let result = decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        XCTAssertEqual(result.messages.map(\.status), [101])
    }

    func testResponsesWithoutBodyDespiteTheirHeaders() {
        let wire = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
            + "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n" + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
        let result = decode(wire, methods: ["HEAD", "GET", "GET", "GET"])
        XCTAssertNil(result.error)
        XCTAssertEqual(result.messages.map(\.status), [200, 204, 304, 200])
        XCTAssertEqual(result.messages.map(\.body), [[], [], [], "hello".bytes])
    }

    func testStatusLines() {
        XCTAssertEqual(decode("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n").messages.first?.reason, "")
        XCTAssertEqual(decode("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").messages.first?.reason, "")
        XCTAssertEqual(decode("HTTP/1.1 599 Very Odd\tIndeed\r\nContent-Length: 0\r\n\r\n").messages.first?.reason, "Very Odd\tIndeed")
        for bad in ["HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 X", "HTTP/1.1  200 OK", "HTTP/1.1 200OK", "http/1.1 200 OK", "HTTP/1.1 abc X",
                    "HTTP/1.1 200 \u{1}"] {
            XCTAssertEqual(decode(bad + "\r\n\r\n").error, .badStatusLine, bad)
        }
        XCTAssertEqual(decode("HTTP/2.0 200 OK\r\n\r\n").error, .unsupportedVersion)
        XCTAssertEqual(decode("\r\nHTTP/1.1 200 OK\r\n\r\n").error, .badStatusLine)
        XCTAssertEqual(decode("HTTP/1.1 200 " + String(repeating: "x", count: 9000)).error, .badStatusLine)
    }

    func testFramingErrorsAndLimits() {
        XCTAssertEqual(decode("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx").error, .duplicateContentLength)
        XCTAssertEqual(decode("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n").error, .contentLengthWithTransferEncoding)
        XCTAssertEqual(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").error, .unsupportedTransferCoding)
        let limits = HTTPDecoderLimits(maxBodyBytes: 4)
        XCTAssertEqual(decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", limits: limits).error, .bodyTooLarge)
        XCTAssertEqual(decode("HTTP/1.1 200 OK\r\n\r\n12345", limits: limits).error, .bodyTooLarge)
        XCTAssertEqual(decode("HTTP/1.1 200 OK\r\n\r\n1234", limits: limits).error, nil)
    }

    func testBufferedByteCount() throws {
        var decoder = HTTPResponseDecoder()
        let wire = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx" + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"
        wire.bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertEqual(decoder.bufferedByteCount, wire.utf8.count)
        XCTAssertNotNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 38)
        XCTAssertNil(try decoder.next())
    }
}
