import TributarySDK

/// The responses of Drogue's HTTP endpoints (device API, command API, TTN webhooks), in its
/// shapes: errors are `{"error":..,"message":..}`.
public enum DrogueResponses {
    public static func empty(_ status: Int, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers)
    }

    public static func error(_ status: Int, _ error: String, _ message: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
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
    public static func unauthorized(_ message: String = "Authentication failed") -> HTTPResponse {
        error(401, "AuthenticationError", message, headers: ["WWW-Authenticate": "Basic realm=\"tributary\""])
    }

    public static func forbidden(_ message: String = "Not authorized") -> HTTPResponse {
        error(403, "NotAuthorized", message)
    }

    /// Back-pressure or nobody able to answer: retry in a second.
    public static func unavailable(_ message: String) -> HTTPResponse {
        error(503, "ServiceUnavailable", message, headers: ["Retry-After": "1"])
    }

    public static let notFound = error(404, "NotFound", "Resource not found")

    /// What a failed publish means to a device: the sinks' back-pressure and outages are 503s
    /// to retry, a body the content type misdescribes 406.
    public static func publishFailure(_ status: Status) -> HTTPResponse {
        switch status {
        case .rejected: error(406, "InvalidFormat", "the content type claims JSON and the body is not JSON")
        case .invalid: error(400, "InvalidRequest", "application, device and channel must be UTF-8 and non-empty")
        case .busy: unavailable("a sink is busy; retry")
        case .unavailable, .cancelled: unavailable("no sink could take the event now")
        default: error(500, "InternalError", "the event could not be delivered (\(status))")
        }
    }

    /// What an authentication verdict other than `.ok` means to an HTTP client.
    public static func refusal(_ status: Status) -> HTTPResponse {
        switch status {
        case .unauthenticated, .notFound: unauthorized()
        case .denied: forbidden()
        default: unavailable("the authentication service cannot answer now")
        }
    }
}
