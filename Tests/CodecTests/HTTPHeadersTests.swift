import XCTest
@testable import HTTP1Codec

final class HTTPHeadersTests: XCTestCase {
    func testLookupIsCaseInsensitiveAndReturnsTheFirst() {
        let headers: HTTPHeaders = ["Set-Cookie": "a=1", "Host": "h", "set-cookie": "b=2"]
        XCTAssertEqual(headers["SET-COOKIE"], "a=1")
        XCTAssertEqual(headers.values("Set-Cookie"), ["a=1", "b=2"])
        XCTAssertNil(headers["Cookie"])
        XCTAssertEqual(headers.values("Cookie"), [])
        XCTAssertTrue(headers.contains("host"))
        XCTAssertEqual(headers.count, 3)
    }

    func testOrderIsKept() {
        var headers = HTTPHeaders()
        XCTAssertTrue(headers.isEmpty)
        XCTAssertNoThrow(try headers.add(name: "B", value: "2"))
        XCTAssertNoThrow(try headers.add(name: "A", value: "1"))
        XCTAssertNoThrow(try headers.add(name: "b", value: "3"))
        XCTAssertEqual(headers.map(\.name), ["B", "A", "b"])
        XCTAssertEqual(headers.description, "B: 2\nA: 1\nb: 3")
    }

    func testReplaceOrAddKeepsThePositionOfTheFirstAndDropsTheRest() throws {
        var headers: HTTPHeaders = ["X": "1", "Y": "2", "x": "3"]
        try headers.replaceOrAdd(name: "X", value: "9")
        XCTAssertEqual(headers, ["X": "9", "Y": "2"])
        try headers.replaceOrAdd(name: "Z", value: "0")
        XCTAssertEqual(headers, ["X": "9", "Y": "2", "Z": "0"])
    }

    func testRemove() {
        var headers: HTTPHeaders = ["X": "1", "Y": "2", "x": "3"]
        headers.remove(name: "X")
        XCTAssertEqual(headers, ["Y": "2"])
        headers.remove(name: "absent")
        XCTAssertEqual(headers, ["Y": "2"])
    }

    func testInvalidFieldsAreRefused() {
        var headers = HTTPHeaders()
        for name in ["", "a b", "a:b", "a\r\nb", "é", "(x)"] {
            XCTAssertThrowsError(try headers.add(name: name, value: "v")) { XCTAssertEqual($0 as? HTTPParseError, .badHeaderName) }
        }
        for value in ["a\r\nInjected: 1", "a\nb", "a\rb", "a\u{0}b", " lead", "trail\t"] {
            XCTAssertThrowsError(try headers.add(name: "X", value: value)) { XCTAssertEqual($0 as? HTTPParseError, .badHeaderValue) }
            XCTAssertThrowsError(try headers.replaceOrAdd(name: "X", value: value))
        }
        XCTAssertTrue(headers.isEmpty)
        XCTAssertTrue(HTTPHeaders.isValidName("!#$%&'*+-.^_`|~09AZaz"))
        XCTAssertTrue(HTTPHeaders.isValidValue(""))
        XCTAssertTrue(HTTPHeaders.isValidValue("a \t b, caf\u{E9}"))
    }

    func testEqualityIsExactAndOrdered() {
        XCTAssertEqual(HTTPHeaders(), [:])
        XCTAssertNotEqual(["A": "1", "B": "2"] as HTTPHeaders, ["B": "2", "A": "1"])
        XCTAssertNotEqual(["A": "1"] as HTTPHeaders, ["a": "1"])
    }

    func testTokenLists() {
        let headers: HTTPHeaders = ["Connection": "keep-alive, Upgrade", "Connection": ",close,"]
        XCTAssertTrue(headers.containsToken("upgrade", inList: "connection"))
        XCTAssertTrue(headers.containsToken("CLOSE", inList: "Connection"))
        XCTAssertFalse(headers.containsToken("keep", inList: "Connection"))
    }
}
