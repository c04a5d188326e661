/// A request the HTTP client sends (webhook push, OIDC discovery and key fetches).
///
/// The caller sets `Host` (HTTP/1.1 requires it); ``HTTPRequestEncoder`` adds the framing.
public struct HTTPClientRequest: Sendable, Equatable {
    /// A method token, such as `GET` or `POST`.
    public var method: String
    /// An origin-form target (`/path?query`), sent as is: percent-encode it beforehand.
    public var target: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }
}
