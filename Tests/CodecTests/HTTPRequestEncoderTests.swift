import XCTest
@testable import HTTP1Codec

final class HTTPRequestEncoderTests: XCTestCase {
    private func encoded(_ request: HTTPClientRequest) throws -> String {
        var output: [UInt8] = []
        try HTTPRequestEncoder.encode(request, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    func testGetHasNoLength() throws {
        XCTAssertEqual(
            try encoded(HTTPClientRequest(method: "GET", target: "/.well-known/openid-configuration", headers: ["Host": "issuer"])),
            "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: issuer\r\n\r\n")
    }

    func testBodyGetsItsLengthAndMethodsWithBodiesGetZero() throws {
        XCTAssertEqual(
            try encoded(HTTPClientRequest(method: "POST", target: "/hook", headers: ["Host": "h", "Content-Length": "1"], body: "{}".bytes)),
            "POST /hook HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")
        XCTAssertEqual(try encoded(HTTPClientRequest(method: "PUT", target: "/", headers: ["Host": "h"])), "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        XCTAssertEqual(try encoded(HTTPClientRequest(method: "DELETE", target: "/x", headers: ["Host": "h"])), "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n")
    }

    func testTransferEncodingMeansTheCallerFramedTheBody() throws {
        let request = HTTPClientRequest(method: "POST", target: "/", headers: ["Host": "h", "Transfer-Encoding": "chunked"], body: "0\r\n\r\n".bytes)
        XCTAssertEqual(try encoded(request), "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    }

    func testRequestsThatWouldNotParseAreRefused() {
        var output: [UInt8] = []
        for method in ["", "GET /", "G\r\nET"] {
            XCTAssertThrowsError(try HTTPRequestEncoder.encode(HTTPClientRequest(method: method, target: "/"), into: &output)) {
                XCTAssertEqual($0 as? HTTPParseError, .badMethod)
            }
        }
        for target in ["", "/a b", "/a\r\nHost: evil", "/é"] {
            XCTAssertThrowsError(try HTTPRequestEncoder.encode(HTTPClientRequest(method: "GET", target: target), into: &output)) {
                XCTAssertEqual($0 as? HTTPParseError, .badTarget)
            }
        }
        XCTAssertEqual(output, [])
    }

    func testEncodedRequestsDecode() throws {
        var output: [UInt8] = []
        try HTTPRequestEncoder.encode(HTTPClientRequest(method: "POST", target: "/a?b", headers: ["Host": "h", "X": "y"], body: "data".bytes), into: &output)
        try HTTPRequestEncoder.encode(HTTPClientRequest(method: "GET", target: "/c", headers: ["Host": "h"]), into: &output)
        let result = DripFeed.decodeBothWays(output, { HTTPRequestDecoder() })
        XCTAssertNil(result.error)
        XCTAssertEqual(result.messages, [
            HTTPRequest(head: HTTPRequestHead(method: "POST", target: "/a?b", headers: ["Host": "h", "X": "y", "Content-Length": "4"]), body: "data".bytes),
            HTTPRequest(head: HTTPRequestHead(method: "GET", target: "/c", headers: ["Host": "h"])),
        ])
    }
}
