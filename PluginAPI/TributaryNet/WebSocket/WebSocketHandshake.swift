import TributaryCrypto
import TributarySDK

/// The server side of the WebSocket opening handshake (RFC 6455 section 4.2).
///
/// Why a separate step: the HTTP server routes the upgrade request like any other, and only the
/// handler for a WebSocket endpoint calls ``response(to:)``; a 101 answer means the connection now
/// carries frames. No extension or subprotocol is negotiated.
public enum WebSocketHandshake {
    /// The GUID RFC 6455 appends to the client's key before hashing.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The answer to an upgrade request.
    ///
    /// - Returns: `101 Switching Protocols` with `Sec-WebSocket-Accept` when `head` is a valid
    ///   version 13 opening handshake: GET, HTTP/1.1, `Upgrade` listing `websocket`,
    ///   `Connection` listing `upgrade` (both case-insensitive), and one `Sec-WebSocket-Key`
    ///   that is the base64 of 16 bytes. `426 Upgrade Required` with `Sec-WebSocket-Version: 13`
    ///   when the version is missing or another (section 4.4). `400 Bad Request` otherwise.
    public static func response(to head: HTTPRequestHead) -> HTTPResponse {
        let headers = head.headers
        guard head.method == "GET", head.version == .http1_1,
            headers.containsToken("websocket", inList: "Upgrade"),
            headers.containsToken("upgrade", inList: "Connection")
        else { return HTTPResponse(status: 400) }
        guard headers.values("Sec-WebSocket-Version") == ["13"] else {
            return HTTPResponse(status: 426, headers: ["Sec-WebSocket-Version": "13"])
        }
        let keys = headers.values("Sec-WebSocket-Key")
        guard keys.count == 1, let key = keys.first, Base64.decode(key)?.count == 16 else {
            return HTTPResponse(status: 400)
        }
        var response = HTTPResponse(status: 101, headers: ["Upgrade": "websocket", "Connection": "Upgrade"])
        response.headers.appendValidated(name: "Sec-WebSocket-Accept", value: acceptValue(forKey: key))
        return response
    }

    /// `base64(SHA-1(key + GUID))`, which proves to the client that the server read its key.
    public static func acceptValue(forKey key: String) -> String {
        let digest = SHA1.digest(Array((key + guid).utf8))
        var encoded: [UInt8] = []
        digest.withUnsafeBytes { Base64.encode($0, into: &encoded) }
        return String(decoding: encoded, as: UTF8.self)
    }
}
