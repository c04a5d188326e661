import XCTest
@testable import HTTP1Codec

final class HTTPParseErrorTests: XCTestCase {
    func testStatuses() {
        let expected: [(HTTPParseError, Int)] = [
            (.badRequestLine, 400), (.badMethod, 400), (.badTarget, 400), (.targetTooLong, 414), (.unsupportedVersion, 505),
            (.badLineEnding, 400), (.badHeaderLine, 400), (.whitespaceBeforeColon, 400), (.obsoleteLineFolding, 400),
            (.badHeaderName, 400), (.badHeaderValue, 400), (.headerSectionTooLarge, 431), (.tooManyHeaders, 431),
            (.missingHost, 400), (.badHost, 400), (.badContentLength, 400), (.duplicateContentLength, 400),
            (.contentLengthWithTransferEncoding, 400), (.badTransferEncoding, 400), (.unsupportedTransferCoding, 501),
            (.transferEncodingInHTTP10, 400), (.bodyTooLarge, 413), (.badChunkSize, 400), (.badChunkExtension, 400),
            (.chunkLineTooLong, 400), (.badChunkTerminator, 400), (.badStatusLine, 400), (.truncatedMessage, 400),
        ]
        for (error, status) in expected {
            XCTAssertEqual(error.status, status, error.reason)
            XCTAssertFalse(error.reason.isEmpty)
            XCTAssertFalse(error.reason.contains("\n"))
        }
        XCTAssertEqual(Set(expected.map(\.0)).count, expected.count, "every case is distinct")
        XCTAssertEqual(HTTPParseError.tooManyHeaders.description, "431 too many header fields")
    }
}
