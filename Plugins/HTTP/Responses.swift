import TributaryNet
import TributarySDK

/// The responses both APIs share, in Drogue's shapes: errors are `{"error":..,"message":..}`.
enum Responses {
    static func empty(_ status: Int, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers)
    }

    static func error(_ status: Int, _ error: String, _ message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var body = Array("{\"error\":".utf8)
        JSON.appendQuoted(error, to: &body)
        body += Array(",\"message\":".utf8)
        JSON.appendQuoted(message, to: &body)
        body.append(UInt8(ascii: "}"))
        var headers = headers
        try? headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    /// Missing or wrong credentials: the client may try again with others.
    static func unauthorized(_ message: String = "Authentication failed") -> HTTPResponse {
        error(401, "AuthenticationError", message, headers: ["WWW-Authenticate": "Basic realm=\"tributary\""])
    }

    static func forbidden(_ message: String = "Not authorized") -> HTTPResponse {
        error(403, "NotAuthorized", message)
    }

    /// Back-pressure or nobody able to answer: retry in a second.
    static func unavailable(_ message: String) -> HTTPResponse {
        error(503, "ServiceUnavailable", message, headers: ["Retry-After": "1"])
    }

    static let notFound = error(404, "NotFound", "Resource not found")

    /// What an authentication verdict other than `.ok` means to an HTTP client.
    static func refusal(_ status: Status) -> HTTPResponse {
        switch status {
        case .unauthenticated, .notFound: unauthorized()
        case .denied: forbidden()
        default: unavailable("the authentication service cannot answer now")
        }
    }
}
