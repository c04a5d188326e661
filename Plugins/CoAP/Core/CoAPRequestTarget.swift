import CoAPCodec
import TributaryNet
import TributarySDK

/// What a device request names, read from its options: the channel from `Uri-Path: v1/{channel}`,
/// the query arguments (one per Uri-Query option, as RFC 7252 carries them, or Drogue's
/// `a=b&c=d` in one option), the content type from Content-Format, the credentials from option
/// 4209. A request that cannot be read gives the response code to refuse it with.
struct CoAPRequestTarget {
    var channel: String
    var query: [String: String]
    var contentType: String
    var commandWaitSeconds: Int64

    struct Refusal: Error {
        var code: CoAPCode
        var reason: String
    }

    static func read(_ message: CoAPMessage, maxCommandWaitSeconds: Int64) -> Result<CoAPRequestTarget, Refusal> {
        guard message.code == .post || message.code == .put else {
            return .failure(Refusal(code: .methodNotAllowed, reason: "use POST or PUT"))
        }
        guard let path = message.uriPath, let query = message.uriQuery else {
            return .failure(Refusal(code: .badRequest, reason: "Uri-Path and Uri-Query must be UTF-8"))
        }
        guard path.first == "v1", path.count >= 2, !path[1].isEmpty else {
            return .failure(Refusal(code: .badRequest, reason: "the path is /v1/{channel}"))
        }
        // Extra segments after the channel are refused, as over HTTP (README, CoAP).
        guard path.count == 2 else { return .failure(Refusal(code: .notFound, reason: "nothing after /v1/{channel}")) }
        if let problem = ChannelName.problem(in: path[1]) { return .failure(Refusal(code: .badRequest, reason: problem.reason)) }

        var arguments: [String: String] = [:]
        for option in query {
            for pair in option.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0])
                if arguments[key] == nil { arguments[key] = parts.count > 1 ? String(parts[1]) : "" }
            }
        }
        var wait: Int64 = 0
        if let text = arguments["ct"] ?? arguments["commandTimeout"] {
            guard let seconds = Int64(text), seconds >= 0 else {
                return .failure(Refusal(code: .badRequest, reason: "ct must be a number of seconds"))
            }
            wait = min(seconds, maxCommandWaitSeconds)
        }
        var contentType = ""
        if let format = message.contentFormat {
            guard let type = CoAPContentFormat.mediaType(format) else {
                return .failure(Refusal(code: .unsupportedContentFormat, reason: "Content-Format \(format) is not in the registry"))
            }
            contentType = type
        }
        return .success(CoAPRequestTarget(channel: path[1], query: arguments, contentType: contentType, commandWaitSeconds: wait))
    }

    /// What the request presents to authentication, as it came: the key of the endpoint's
    /// `DeviceVerdictCache`.
    struct Credentials: Hashable {
        var authorization: String?
        var application: String?
        var device: String?
        var asDevice: String?
        var session: DTLSPeerCredential?
    }

    func credentials(_ message: CoAPMessage, session: DTLSPeerCredential?) -> Credentials {
        Credentials(authorization: message.first(.authorization)?.stringValue, application: query["application"], device: query["device"],
                    asDevice: query["as"], session: session)
    }

    /// The authentication request the credentials make; nil when there is none usable (4.01).
    /// Option 4209, when present, decides as over plain CoAP. Without it a DTLS session's
    /// identity does: its PSK identity names the device (the query cannot name another), or its
    /// client certificate is judged as over HTTPS.
    static func authRequest(_ presented: Credentials) -> DeviceAuthRequest? {
        if let authorization = presented.authorization {
            return DeviceCredentials.request(application: presented.application, device: presented.device, asDevice: presented.asDevice,
                                             authorization: authorization, certificates: [])
        }
        switch presented.session {
        case .preSharedKey(let identity)?:
            return DeviceAuthRequest(application: "", device: "", asDevice: presented.asDevice ?? "", credential: .pskIdentity(identity))
        case .certificates(let chain)?:
            return DeviceCredentials.request(application: presented.application, device: presented.device, asDevice: presented.asDevice,
                                             authorization: nil, certificates: chain)
        case .none?, nil:
            return nil
        }
    }
}
