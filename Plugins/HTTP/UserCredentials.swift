import TributaryNet
import TributarySDK

/// How an application presents its user (Drogue's integrations): `Authorization: Bearer <jwt>`,
/// `Authorization: Basic user:api-key`, `?token=<jwt>`, or `?username=&api_key=`. More than one
/// at once is refused (ambiguous), as Drogue does.
enum UserCredentials {
    enum Outcome: Equatable {
        case credential(UserCredential)
        case missing
        case ambiguous
    }

    static func from(_ head: HTTPRequestHead) -> Outcome {
        let query = Dictionary(head.queryItems, uniquingKeysWith: { first, _ in first })
        var found: [UserCredential] = []
        if let authorization = head.headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                found.append(.bearerToken(String(parts[1])))
            } else if let (user, key) = DeviceCredentials.basic(authorization) {
                found.append(.apiKey(username: user, key: key))
            } else {
                return .ambiguous
            }
        }
        if let token = query["token"] { found.append(.bearerToken(token)) }
        if let user = query["username"], let key = query["api_key"] { found.append(.apiKey(username: user, key: key)) }
        switch found.count {
        case 0: return .missing
        case 1: return .credential(found[0])
        default: return .ambiguous
        }
    }
}
