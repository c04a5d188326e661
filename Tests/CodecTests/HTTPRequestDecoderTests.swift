import XCTest
@testable import HTTP1Codec

final class HTTPRequestDecoderTests: XCTestCase {
    private func decode(_ text: String, limits: HTTPDecoderLimits = HTTPDecoderLimits(), file: StaticString = #filePath, line: UInt = #line)
        -> (messages: [HTTPRequest], error: HTTPParseError?)
    {
        DripFeed.decodeBothWays(text.bytes, { HTTPRequestDecoder(limits: limits) }, file: file, line: line)
    }

    private func assertRejected(
        _ text: String, _ expected: HTTPParseError, status: Int, limits: HTTPDecoderLimits = HTTPDecoderLimits(),
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let result = decode(text, limits: limits, file: file, line: line)
        XCTAssertEqual(result.messages, [], file: file, line: line)
        XCTAssertEqual(result.error, expected, file: file, line: line)
        XCTAssertEqual(result.error?.status, status, file: file, line: line)
    }

    // MARK: - Requests

    func testSimpleGet() throws {
        let result = decode("GET /devices/a?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n")
        XCTAssertNil(result.error)
        let request = try XCTUnwrap(result.messages.first)
        XCTAssertEqual(request.head.method, "GET")
        XCTAssertEqual(request.head.target, "/devices/a?x=1")
        XCTAssertEqual(request.head.path, "/devices/a")
        XCTAssertEqual(request.head.query, "x=1")
        XCTAssertEqual(request.head.version, .http1_1)
        XCTAssertEqual(request.head.headers, ["Host": "example.com", "Accept": "*/*"])
        XCTAssertEqual(request.body, [])
        XCTAssertTrue(request.head.keepAlive)
    }

    func testHeaderValuesAreTrimmedAndKeepInnerWhitespace() {
        let result = decode("GET / HTTP/1.1\r\nHost:h\r\nX-A: \t a  b \t\r\nX-Empty:\r\n\r\n")
        XCTAssertEqual(result.messages.first?.head.headers, ["Host": "h", "X-A": "a  b", "X-Empty": ""])
    }

    func testLeadingEmptyLinesAreSkipped() {
        let result = decode("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(result.messages.map(\.head.target), ["/"])
        XCTAssertNil(result.error)
    }

    func testContentLengthBody() {
        let result = decode("POST /telemetry HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world")
        XCTAssertEqual(result.messages.map(\.body), ["hello world".bytes])
    }

    func testChunkedBodyWithExtensionsAndTrailers() throws {
        let wire = "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value;flag\r\nhello\r\n" + "6 ; q=\"a \\\"b\\\"\"\r\n world\r\n" + "000\r\n"
            + "Checksum: abc\r\nX-Trace: 1\r\n\r\n"
        let result = decode(wire)
        XCTAssertNil(result.error)
        let request = try XCTUnwrap(result.messages.first)
        XCTAssertEqual(request.body, "hello world".bytes)
        XCTAssertEqual(request.trailers, ["Checksum": "abc", "X-Trace": "1"])
        XCTAssertEqual(request.head.headers["transfer-encoding"], "chunked")
    }

    func testChunkedBodyWithoutTrailers() {
        let result = decode("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n")
        XCTAssertEqual(result.messages.map(\.body), ["0123456789".bytes])
        XCTAssertEqual(result.messages.first?.trailers, [:])
    }

    func testPipelinedRequestsAreReturnedOnePerCall() throws {
        let wire = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
            + "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
            + "GET /4 HTTP/1.1\r\nHost: h\r\n\r\n"
        var decoder = HTTPRequestDecoder()
        wire.bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertEqual(try decoder.next()?.head.target, "/1")
        XCTAssertEqual(try decoder.next()?.body, "abc".bytes)
        XCTAssertEqual(try decoder.next()?.body, "xy".bytes)
        XCTAssertEqual(try decoder.next()?.head.target, "/4")
        XCTAssertNil(try decoder.next())
        XCTAssertTrue(decoder.isIdle)
        XCTAssertEqual(decoder.bufferedByteCount, 0)

        let both = decode(wire)
        XCTAssertEqual(both.messages.map(\.head.target), ["/1", "/2", "/3", "/4"])
    }

    func testErrorAfterPipelinedRequestComesAfterTheRequest() {
        let result = decode("GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/1.1\r\nHost h\r\n\r\n")
        XCTAssertEqual(result.messages.map(\.head.target), ["/ok"])
        XCTAssertEqual(result.error, .badHeaderLine)
    }

    func testErrorsAreStickyAndLaterBytesIgnored() {
        var decoder = HTTPRequestDecoder()
        "BAD\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? HTTPParseError, .badRequestLine) }
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? HTTPParseError, .badRequestLine) }
        XCTAssertFalse(decoder.isIdle)
    }

    func testTargetForms() {
        let absolute = decode("GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: example.com\r\n\r\n")
        XCTAssertEqual(absolute.messages.first?.head.path, "/a/b")
        XCTAssertEqual(absolute.messages.first?.head.query, "c=d")
        let options = decode("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")
        XCTAssertEqual(options.messages.first?.head.path, "*")
        let connect = decode("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
        XCTAssertEqual(connect.messages.first?.head.target, "example.com:443")
        assertRejected("GET * HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget, status: 400)
        assertRejected("GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget, status: 400)
        assertRejected("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget, status: 400)
        assertRejected("GET /\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget, status: 400)
        assertRejected("CONNECT /x HTTP/1.1\r\nHost: h\r\n\r\n", .badTarget, status: 400)
    }

    func testHTTP10() throws {
        let result = decode("GET / HTTP/1.0\r\n\r\n")
        let head = try XCTUnwrap(result.messages.first?.head)
        XCTAssertEqual(head.version, .http1_0)
        XCTAssertFalse(head.keepAlive)
        XCTAssertEqual(decode("GET / HTTP/1.2\r\nHost: h\r\n\r\n").messages.first?.head.version, .http1_1)
    }

    // MARK: - 100-continue

    func testExpectContinueWaitsUntilContinueSent() throws {
        var decoder = HTTPRequestDecoder()
        XCTAssertFalse(decoder.awaitingContinue)
        "PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertNil(try decoder.next())
        XCTAssertTrue(decoder.awaitingContinue)
        var output: [UInt8] = []
        HTTPResponseEncoder.continueResponse(into: &output)
        XCTAssertEqual(output, "HTTP/1.1 100 Continue\r\n\r\n".bytes)
        decoder.continueSent()
        XCTAssertFalse(decoder.awaitingContinue)
        "da".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertNil(try decoder.next())
        XCTAssertFalse(decoder.awaitingContinue)
        "ta".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertEqual(try decoder.next()?.body, "data".bytes)
        XCTAssertFalse(decoder.awaitingContinue)
    }

    func testExpectContinueEndsWhenBodyStartsUnasked() throws {
        var decoder = HTTPRequestDecoder()
        "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertTrue(decoder.awaitingContinue)
        "1\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.awaitingContinue)
        "x\r\n0\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertEqual(try decoder.next()?.body, "x".bytes)
    }

    func testExpectContinueWithoutBodyOrInHTTP10IsNotAwaited() throws {
        var decoder = HTTPRequestDecoder()
        "GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.awaitingContinue)
        XCTAssertNotNil(try decoder.next())
        "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.awaitingContinue)
    }

    func testExpectContinueOfPipelinedRequestShowsAfterTheFirstIsTaken() throws {
        var decoder = HTTPRequestDecoder()
        let wire = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPUT /2 HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"
        wire.bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.awaitingContinue)
        XCTAssertEqual(try decoder.next()?.head.target, "/1")
        XCTAssertNil(try decoder.next())
        XCTAssertTrue(decoder.awaitingContinue)
    }

    // MARK: - Idle and buffered bytes

    func testIdleTellsCleanCloseFromTruncation() throws {
        var decoder = HTTPRequestDecoder()
        XCTAssertTrue(decoder.isIdle)
        "\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertTrue(decoder.isIdle)
        "GET / HT".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.isIdle)
        XCTAssertEqual(decoder.bufferedByteCount, 8)
        "TP/1.1\r\nHost: h\r\n\r\n".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertFalse(decoder.isIdle, "a complete request not yet taken")
        XCTAssertEqual(decoder.bufferedByteCount, 27)
        XCTAssertNotNil(try decoder.next())
        XCTAssertTrue(decoder.isIdle)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    // MARK: - Request line errors

    func testBadRequestLines() {
        assertRejected("GET /\r\n\r\n", .badRequestLine, status: 400)
        assertRejected("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", .badRequestLine, status: 400)
        assertRejected("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", .badRequestLine, status: 400)
        assertRejected("GET / http/1.1\r\nHost: h\r\n\r\n", .badRequestLine, status: 400)
        assertRejected("GET\r\n\r\n", .badRequestLine, status: 400)
        assertRejected(String(repeating: "G", count: 9000) + "\r\n", .badRequestLine, status: 400)
    }

    func testRequestLineIsRejectedBeforeItsHeadersArrive() {
        var decoder = HTTPRequestDecoder()
        "GET / HTTP/2.0\r\nHost: h".bytes.withUnsafeBytes { decoder.append($0) }
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? HTTPParseError, .unsupportedVersion) }
    }

    func testBadMethod() {
        assertRejected("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", .badMethod, status: 400)
        assertRejected(" / HTTP/1.1\r\nHost: h\r\n\r\n", .badMethod, status: 400)
    }

    func testTargetTooLong() {
        let limits = HTTPDecoderLimits(maxTargetBytes: 16)
        XCTAssertEqual(decode("GET /0123456789abcde HTTP/1.1\r\nHost: h\r\n\r\n", limits: limits).messages.count, 1)
        assertRejected("GET /0123456789abcdef HTTP/1.1\r\nHost: h\r\n\r\n", .targetTooLong, status: 414, limits: limits)
        // Far past the limit with no end of line in sight: refused before the line is buffered.
        assertRejected("GET /" + String(repeating: "a", count: 100_000), .targetTooLong, status: 414)
    }

    func testUnsupportedVersion() {
        assertRejected("GET / HTTP/2.0\r\nHost: h\r\n\r\n", .unsupportedVersion, status: 505)
        assertRejected("GET / HTTP/0.9\r\n\r\n", .unsupportedVersion, status: 505)
    }

    // MARK: - Header errors

    func testLineEndingsMustBeCRLF() {
        assertRejected("GET / HTTP/1.1\nHost: h\n\n", .badLineEnding, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\n\r\n", .badLineEnding, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", .badLineEnding, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\r\n\n", .badLineEnding, status: 400)
    }

    func testBadHeaderLines() {
        assertRejected("GET / HTTP/1.1\r\nHost h\r\n\r\n", .badHeaderLine, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost : h\r\n\r\n", .whitespaceBeforeColon, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  continued\r\n\r\n", .obsoleteLineFolding, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", .badHeaderName, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\r\nX(A): v\r\n\r\n", .badHeaderName, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", .badHeaderValue, status: 400)
        var wire = "GET / HTTP/1.1\r\nHost: h\r\nX-A: ".bytes
        wire += [0xC3, 0x28]
        wire += "\r\n\r\n".bytes
        XCTAssertEqual(DripFeed.decodeBothWays(wire, { HTTPRequestDecoder() }).error, .badHeaderValue)
        XCTAssertEqual(decode("GET / HTTP/1.1\r\nHost: h\r\nX-A: caf\u{E9}\r\n\r\n").messages.first?.head.headers["x-a"], "caf\u{E9}")
    }

    func testHeaderSectionTooLarge() {
        let limits = HTTPDecoderLimits(maxHeaderBytes: 64)
        // Exactly 64 bytes of fields: 9 ("Host: h\r\n") + 53 + the final CRLF.
        let fits = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 48) + "\r\n\r\n"
        XCTAssertEqual(decode(fits, limits: limits).messages.count, 1)
        let tooLarge = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "v", count: 49) + "\r\n\r\n"
        assertRejected(tooLarge, .headerSectionTooLarge, status: 431, limits: limits)
    }

    func testTooManyHeaders() {
        let limits = HTTPDecoderLimits(maxHeaderCount: 3)
        XCTAssertEqual(decode("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits).messages.count, 1)
        assertRejected("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", .tooManyHeaders, status: 431, limits: limits)
    }

    func testHost() {
        assertRejected("GET / HTTP/1.1\r\n\r\n", .missingHost, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .missingHost, status: 400)
        assertRejected("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", .missingHost, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .badHost, status: 400)
        assertRejected("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .badHost, status: 400)
        XCTAssertEqual(decode("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").messages.count, 1)
        XCTAssertEqual(decode("GET / HTTP/1.1\r\nHost:\r\n\r\n").messages.count, 1)
    }

    // MARK: - Framing errors

    func testInvalidContentLength() {
        for value in ["abc", "-1", "+5", "5 5", "0x5", "5.0"] {
            assertRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(value)\r\n\r\n", .badContentLength, status: 400)
        }
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", .badContentLength, status: 400)
    }

    func testDuplicateContentLength() {
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", .duplicateContentLength, status: 400)
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1, 2\r\n\r\nx", .duplicateContentLength, status: 400)
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\ncontent-length: 1\r\nContent-Length: 2\r\n\r\nx", .duplicateContentLength, status: 400)
    }

    func testTransferEncodingWithContentLength() {
        assertRejected(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            .contentLengthWithTransferEncoding, status: 400)
    }

    func testTransferCodings() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
        assertRejected(head + "gzip, chunked\r\n\r\n", .unsupportedTransferCoding, status: 501)
        assertRejected(head + "gzip\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferCoding, status: 501)
        assertRejected(head + "chunked, gzip\r\n\r\n", .badTransferEncoding, status: 400)
        assertRejected(head + "gzip\r\n\r\n", .badTransferEncoding, status: 400)
        assertRejected(head + "chunked, chunked\r\n\r\n", .badTransferEncoding, status: 400)
        assertRejected(head + "\r\n\r\n", .badTransferEncoding, status: 400)
        assertRejected(head + "chunked;x=1\r\n\r\n", .badTransferEncoding, status: 400)
        assertRejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .transferEncodingInHTTP10, status: 400)
        XCTAssertEqual(decode(head + " , chunked ,\r\n\r\n0\r\n\r\n").messages.count, 1)
    }

    func testBodyTooLarge() {
        let limits = HTTPDecoderLimits(maxBodyBytes: 10)
        XCTAssertEqual(decode("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits).messages.count, 1)
        // Refused from the head alone, before any body byte.
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", .bodyTooLarge, status: 413, limits: limits)
        assertRejected(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999999\r\n\r\n", .bodyTooLarge, status: 413)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        // Refused from the chunk size, before the chunk's data.
        assertRejected(chunked + "6\r\n012345\r\n5\r\n", .bodyTooLarge, status: 413, limits: limits)
        assertRejected(chunked + "FFFFFFFFFFFFFFFFFFFFFFFF\r\n", .bodyTooLarge, status: 413)
    }

    // MARK: - Chunked coding errors

    func testBadChunks() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertRejected(head + "zz\r\n", .badChunkSize, status: 400)
        assertRejected(head + "\r\n", .badChunkSize, status: 400)
        assertRejected(head + "-1\r\n", .badChunkSize, status: 400)
        assertRejected(head + "5x\r\n", .badChunkSize, status: 400)
        assertRejected(head + "5 \r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;\r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;=x\r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;a=\r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;a=\"open\r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;a b\r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;a=b \r\n", .badChunkExtension, status: 400)
        assertRejected(head + "5;" + String(repeating: "a", count: 2000) + "\r\n", .chunkLineTooLong, status: 400)
        assertRejected(head + "5\r\nhelloXY\r\n", .badChunkTerminator, status: 400)
        assertRejected(head + "5\r\nhello\n", .badLineEnding, status: 400)
    }

    func testBadTrailers() {
        let head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        assertRejected(head + "Trailer\r\n\r\n", .badHeaderLine, status: 400)
        assertRejected(head + "T: a\r\n folded\r\n\r\n", .obsoleteLineFolding, status: 400)
        assertRejected(head + "T : a\r\n\r\n", .whitespaceBeforeColon, status: 400)
        let limits = HTTPDecoderLimits(maxHeaderBytes: 40, maxHeaderCount: 2)
        assertRejected(head + "A: 1\r\nB: 2\r\n\r\n", .tooManyHeaders, status: 431, limits: limits)
        assertRejected(head + "A: " + String(repeating: "x", count: 40) + "\r\n\r\n", .headerSectionTooLarge, status: 431, limits: limits)
    }

    // MARK: - Allocation stays within the limits

    func testHugeHeaderLineIsRefusedAfterAtMostTheLimitIsBuffered() {
        let limits = HTTPDecoderLimits()
        var wire = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ".bytes
        wire += [UInt8](repeating: 0x61, count: 1 << 20)
        for pieceSize in [wire.count, 4096, 1] {
            var decoder = HTTPRequestDecoder(limits: limits)
            let result = DripFeed.decode(wire, with: &decoder, pieceSize: pieceSize)
            XCTAssertEqual(result.error, .headerSectionTooLarge)
            XCTAssertLessThanOrEqual(decoder.bufferedByteCount, limits.maxTargetBytes + limits.maxHeaderBytes)
        }
    }

    func testHugeHeaderLineBehindAPipelinedRequestIsRefusedToo() throws {
        var wire = "GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nX-Big: ".bytes
        wire += [UInt8](repeating: 0x61, count: 1 << 20)
        var decoder = HTTPRequestDecoder()
        wire.withUnsafeBytes { decoder.append($0) }
        XCTAssertNotNil(try decoder.next())
        XCTAssertThrowsError(try decoder.next()) { XCTAssertEqual($0 as? HTTPParseError, .headerSectionTooLarge) }
        XCTAssertLessThanOrEqual(decoder.bufferedByteCount, HTTPDecoderLimits().maxTargetBytes + HTTPDecoderLimits().maxHeaderBytes)
    }

    func testEndlessRequestLineIsRefusedAtTheLimit() {
        let limits = HTTPDecoderLimits()
        var decoder = HTTPRequestDecoder(limits: limits)
        let wire = "GET /".bytes + [UInt8](repeating: 0x61, count: 1 << 20)
        let result = DripFeed.decode(wire, with: &decoder, pieceSize: 65536)
        XCTAssertEqual(result.error, .targetTooLong)
        XCTAssertLessThanOrEqual(decoder.bufferedByteCount, limits.maxTargetBytes + 64)
    }

    func testLargeChunkedBodyWithinLimit() throws {
        var wire = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".bytes
        let chunk = [UInt8](repeating: 0x62, count: 1000)
        for _ in 0..<1048 { wire += "3e8\r\n".bytes + chunk + "\r\n".bytes }
        wire += "0\r\n\r\n".bytes
        var decoder = HTTPRequestDecoder()
        let result = DripFeed.decode(wire, with: &decoder, pieceSize: 1500)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.messages.first?.body.count, 1_048_000)
        var over = HTTPRequestDecoder()
        let tooMuch = wire.dropLast(5) + "3e8\r\n".bytes + chunk + "\r\n0\r\n\r\n".bytes
        XCTAssertEqual(DripFeed.decode(Array(tooMuch), with: &over, pieceSize: 1500).error, .bodyTooLarge)
    }
}
