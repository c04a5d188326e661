import XCTest
@testable import TributaryNet

final class WebSocketHandshakeTests: XCTestCase {
    private let upgrade: HTTPHeaders = [
        "Host": "server.example.com", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "http://example.com", "Sec-WebSocket-Version": "13",
    ]

    private func head(_ headers: HTTPHeaders, method: String = "GET", version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(method: method, target: "/chat", version: version, headers: headers)
    }

    private func replacing(_ name: String, with value: String?) -> HTTPHeaders {
        var headers = upgrade
        headers.remove(name: name)
        if let value { XCTAssertNoThrow(try headers.add(name: name, value: value)) }
        return headers
    }

    func testRFC6455Example() {
        XCTAssertEqual(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let response = WebSocketHandshake.response(to: head(upgrade))
        XCTAssertEqual(response.status, 101)
        XCTAssertEqual(response.headers["Upgrade"], "websocket")
        XCTAssertEqual(response.headers["Connection"], "Upgrade")
        XCTAssertEqual(response.headers["Sec-WebSocket-Accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        var output: [UInt8] = []
        HTTPResponseEncoder.encode(response, into: &output)
        XCTAssertEqual(
            String(decoding: output, as: UTF8.self),
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    }

    func testTokenListsAndCaseAreAccepted() {
        var headers = replacing("Upgrade", with: "h2c, WebSocket")
        headers.remove(name: "Connection")
        XCTAssertNoThrow(try headers.add(name: "connection", value: "keep-alive, upgrade"))
        XCTAssertEqual(WebSocketHandshake.response(to: head(headers)).status, 101)
    }

    func testWrongVersionIsUpgradeRequired() {
        for version in ["8", "14", "13, 8", ""] {
            let response = WebSocketHandshake.response(to: head(replacing("Sec-WebSocket-Version", with: version)))
            XCTAssertEqual(response.status, 426, version)
            XCTAssertEqual(response.headers["Sec-WebSocket-Version"], "13")
        }
        XCTAssertEqual(WebSocketHandshake.response(to: head(replacing("Sec-WebSocket-Version", with: nil))).status, 426)
    }

    func testEverythingElseIsBadRequest() {
        XCTAssertEqual(WebSocketHandshake.response(to: head(upgrade, method: "POST")).status, 400)
        XCTAssertEqual(WebSocketHandshake.response(to: head(upgrade, version: .http1_0)).status, 400)
        XCTAssertEqual(WebSocketHandshake.response(to: head(replacing("Upgrade", with: nil))).status, 400)
        XCTAssertEqual(WebSocketHandshake.response(to: head(replacing("Upgrade", with: "h2c"))).status, 400)
        XCTAssertEqual(WebSocketHandshake.response(to: head(replacing("Connection", with: "keep-alive"))).status, 400)
        XCTAssertEqual(WebSocketHandshake.response(to: head(replacing("Sec-WebSocket-Key", with: nil))).status, 400)
        // 15 bytes, not base64, non-canonical padding bits.
        for key in ["AAAAAAAAAAAAAAAAAAAA", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZR==", "not base64 at all!!!!!!="] {
            XCTAssertEqual(WebSocketHandshake.response(to: head(replacing("Sec-WebSocket-Key", with: key))).status, 400, key)
        }
        var twoKeys = upgrade
        XCTAssertNoThrow(try twoKeys.add(name: "Sec-WebSocket-Key", value: "dGhlIHNhbXBsZSBub25jZQ=="))
        XCTAssertEqual(WebSocketHandshake.response(to: head(twoKeys)).status, 400)
    }

    func testDecodedUpgradeRequest() throws {
        let wire = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        var decoder = HTTPRequestDecoder()
        Array(wire.utf8).withUnsafeBytes { decoder.append($0) }
        let request = try XCTUnwrap(try decoder.next())
        XCTAssertEqual(WebSocketHandshake.response(to: request.head).headers["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
