import TributarySDK

/// API-key users and Drogue's application authorization rules (`database-common/src/auth.rs`)
/// over one version of the registry.
struct UserAuthorizer {
    let registry: RegistryIndex
    let verifier: SecretVerifier

    /// The registry's API keys only: bearer tokens and users it does not know are `.defer`, for
    /// the next authenticator (oidc-jwt). Nil when `later` will be called exactly once.
    func authenticate(_ request: UserAuthRequest, later: @escaping @Sendable (UserVerdict) -> Void) -> UserVerdict? {
        guard case .apiKey(let username, let key)? = request.credential, let user = registry.user(username) else {
            return UserVerdict(status: .defer)
        }
        let verdict: @Sendable (Verification) -> UserVerdict = { verification in
            switch verification {
            case .matched: UserVerdict(status: .ok, user: user.name.value, roles: user.roles)
            case .mismatched: UserVerdict(status: .unauthenticated)
            case .busy, .throttled: UserVerdict(status: .unavailable)
            }
        }
        guard let known = verifier.verify(key, against: user.apiKeys, later: { later(verdict($0)) }) else { return nil }
        return verdict(known)
    }

    /// Global admins may do anything; an application without an owner is open to everyone; the
    /// owner may do anything; only the owner holds Owner; otherwise the user's (or, for the
    /// anonymous user, the "" entry's) membership decides: admin any, manager read and write,
    /// reader read.
    func authorize(_ request: AuthorizeRequest) -> Status {
        guard let app = registry.application(request.application)?.application else { return .defer }
        if request.roles.contains("drogue-admin") { return .ok }
        guard let owner = app.owner, owner != request.user else { return .ok }
        guard request.permission != .owner, let role = app.members[request.user] else { return .denied }
        switch role {
        case .admin: return .ok
        case .manager: return request.permission <= .write ? .ok : .denied
        case .reader: return request.permission == .read ? .ok : .denied
        }
    }
}
