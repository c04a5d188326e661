import XCTest
@testable import HTTP1Codec

final class HTTPRequestHeadTests: XCTestCase {
    func testPathAndQueryAreRawSlicesOfTheTarget() {
        let head = HTTPRequestHead(method: "GET", target: "/a%2Fb/c?x=%41&y")
        XCTAssertEqual(head.path, "/a%2Fb/c")
        XCTAssertEqual(head.query, "x=%41&y")
        XCTAssertNil(HTTPRequestHead(method: "GET", target: "/p").query)
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/p?").query, "")
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "https://h:1").path, "/")
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "https://h?q").path, "/")
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "https://h/x/y?q").path, "/x/y")
    }

    func testQueryItemsDecodeFormEncoding() {
        let head = HTTPRequestHead(method: "GET", target: "/?a=1&b=x+y%2Bz&&c&d=&%C3%A9=%E2%82%AC&bad=%zz%4&e=1=2")
        let items = head.queryItems
        XCTAssertEqual(items.map(\.0), ["a", "b", "c", "d", "é", "bad", "e"])
        XCTAssertEqual(items.map(\.1), ["1", "x y+z", "", "", "€", "%zz%4", "1=2"])
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/").queryItems.count, 0)
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/?%FF=1").queryItems.first?.0, "\u{FFFD}")
    }

    func testPathSegments() {
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/").pathSegments, [])
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/a/b%20c/").pathSegments, ["a", "b c", ""])
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/a%2Fb/c?x=/y").pathSegments, ["a/b", "c"])
        XCTAssertEqual(HTTPRequestHead(method: "GET", target: "/a+b//%C3%A9").pathSegments, ["a+b", "", "é"])
        XCTAssertNil(HTTPRequestHead(method: "GET", target: "/a%2").pathSegments)
        XCTAssertNil(HTTPRequestHead(method: "GET", target: "/a%zz").pathSegments)
        XCTAssertNil(HTTPRequestHead(method: "GET", target: "/%FF").pathSegments)
        XCTAssertNil(HTTPRequestHead(method: "OPTIONS", target: "*").pathSegments)
    }

    func testKeepAlive() {
        XCTAssertTrue(HTTPRequestHead(method: "GET", target: "/").keepAlive)
        XCTAssertFalse(HTTPRequestHead(method: "GET", target: "/", headers: ["Connection": "Close"]).keepAlive)
        XCTAssertFalse(HTTPRequestHead(method: "GET", target: "/", headers: ["Connection": "upgrade, close"]).keepAlive)
        XCTAssertFalse(HTTPRequestHead(method: "GET", target: "/", version: .http1_0).keepAlive)
        XCTAssertTrue(HTTPRequestHead(method: "GET", target: "/", version: .http1_0, headers: ["Connection": "Keep-Alive"]).keepAlive)
        XCTAssertFalse(
            HTTPRequestHead(method: "GET", target: "/", version: .http1_0, headers: ["Connection": "keep-alive", "Connection": "close"]).keepAlive)
    }

    func testExpectsContinue() {
        XCTAssertTrue(HTTPRequestHead(method: "PUT", target: "/", headers: ["Expect": "100-CONTINUE"]).expectsContinue)
        XCTAssertFalse(HTTPRequestHead(method: "PUT", target: "/", headers: ["Expect": "something"]).expectsContinue)
        XCTAssertFalse(HTTPRequestHead(method: "PUT", target: "/").expectsContinue)
        XCTAssertFalse(HTTPRequestHead(method: "PUT", target: "/", version: .http1_0, headers: ["Expect": "100-continue"]).expectsContinue)
    }
}
