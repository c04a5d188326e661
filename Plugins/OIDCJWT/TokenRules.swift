/// What a verified token must say, and how its claims name a user: the drop-in's rules.
struct TokenRules: Sendable {
    /// `iss`, compared exactly.
    var issuer: String
    /// Must be in `aud` (a string or an array), or equal `azp`.
    var audience: String
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    var leewaySeconds: Int64 = 60
    /// The header `typ` a token must carry (e.g. `at+jwt`), compared without case and without an
    /// `application/` prefix (RFC 7515 section 4.1.9); nil accepts any.
    var requiredType: String?
    /// The claim that names the user: `sub` as Drogue does.
    var userClaim: String = "sub"
    /// Claim paths whose string arrays are the user's roles.
    var rolePaths: [[String]]
    var maxTokenBytes: Int = 8192

    /// Keycloak's realm roles and the client's roles.
    static func keycloakRolePaths(client: String) -> [[String]] {
        [["realm_access", "roles"], ["resource_access", client, "roles"]]
    }
}

/// A token that passed: who it names and until when.
struct VerifiedToken: Sendable, Equatable {
    var user: String
    var roles: [String]
    /// `exp`, seconds since the epoch.
    var expiresAt: Int64
}
