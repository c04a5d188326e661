import TributarySDK

/// Checks a bearer token against a key set and the rules, in the order that costs least for
/// what is refused most: size, shape, header, issuer, key, signature, then the other claims. Pure: the clock and
/// the keys come in, so tests and the benchmark drive it directly.
enum TokenVerifier {
    /// Roles kept per token, at most, and bytes of each: a token is attacker-shaped until its
    /// signature verifies, and even then the host copies every role per request.
    static let maxRoles = 64
    static let maxNameBytes = 256

    static func verify(_ token: [UInt8], keys: JSONWebKeySet, rules: TokenRules, now: Int64) -> Result<VerifiedToken, TokenRefusal> {
        do {
            return .success(try checked(token, keys: keys, rules: rules, now: now))
        } catch {
            return .failure(error)
        }
    }

    private static func checked(_ token: [UInt8], keys: JSONWebKeySet, rules: TokenRules, now: Int64) throws(TokenRefusal) -> VerifiedToken {
        guard token.count <= rules.maxTokenBytes else { throw .tooLarge(rules.maxTokenBytes) }
        let jws = try CompactJWS(token)
        guard let node = try? PositionedJSONParser.parse(jws.payload), case .object = node.value else {
            throw .malformed("the payload is not a JSON object")
        }
        let claims = JSONField(node: node, path: "")
        // Before the signature, so a token of another provider costs no signature check here and
        // the next authenticator (another oidc-jwt drop-in) can have it.
        guard let issuer = try? claims.member("iss")?.string() else { throw .claimMissing("iss") }
        guard issuer == rules.issuer else { throw .issuerRefused(issuer) }
        if let required = rules.requiredType, normalizedType(jws.type) != normalizedType(required) {
            throw .typeRefused(jws.type ?? "")
        }
        switch keys.lookup(id: jws.keyID, algorithm: jws.algorithm) {
        case .unknownID(let id): throw .unknownKey(id)
        case .unusable: throw .noUsableKey(jws.algorithm.rawValue)
        case .found(let candidates):
            let valid = jws.signingInput.withUnsafeBytes { input in
                candidates.contains { $0.key.verify(input, signature: jws.signature, algorithm: jws.algorithm) }
            }
            guard valid else { throw .badSignature }
        }
        return try validated(claims, rules: rules, now: now)
    }

    private static func validated(_ claims: JSONField, rules: TokenRules, now: Int64) throws(TokenRefusal) -> VerifiedToken {
        guard audiences(claims).contains(rules.audience) || (try? claims.member("azp")?.string()) == rules.audience else {
            throw .audienceRefused
        }
        // An access token without `exp` would never end; refuse it rather than trust it forever.
        guard let expiresAt = numericDate(claims, "exp") else { throw .claimMissing("exp") }
        guard now < expiresAt + rules.leewaySeconds else { throw .expired }
        if let notBefore = numericDate(claims, "nbf"), now + rules.leewaySeconds < notBefore { throw .notYetValid }
        if let issuedAt = numericDate(claims, "iat"), now + rules.leewaySeconds < issuedAt { throw .issuedInTheFuture }
        guard let user = try? claims.member(rules.userClaim)?.string(), !user.isEmpty, user.utf8.count <= maxNameBytes else {
            throw .claimMissing(rules.userClaim)
        }
        return VerifiedToken(user: user, roles: roles(claims, paths: rules.rolePaths), expiresAt: expiresAt)
    }

    private static func audiences(_ claims: JSONField) -> [String] {
        guard let aud = try? claims.member("aud") else { return [] }
        if let one = try? aud.string() { return [one] }
        return (try? aud.elements().compactMap { try? $0.string() }) ?? []
    }

    /// RFC 7519 section 2: seconds since the epoch, possibly with a fraction (dropped).
    private static func numericDate(_ claims: JSONField, _ name: String) -> Int64? {
        guard case .number(let text)? = (try? claims.member(name))?.node.value, let value = Double(text),
              value.isFinite, abs(value) < 1e15 else { return nil }
        return Int64(value)
    }

    private static func roles(_ claims: JSONField, paths: [[String]]) -> [String] {
        var roles: [String] = []
        for path in paths {
            var field: JSONField? = claims
            for step in path { field = (try? field?.member(step)) ?? nil }
            guard let list = try? field?.elements() else { continue }
            for element in list {
                guard roles.count < maxRoles, let role = try? element.string(), !role.isEmpty, role.utf8.count <= maxNameBytes,
                      !roles.contains(role) else { continue }
                roles.append(role)
            }
        }
        return roles
    }

    private static func normalizedType(_ type: String?) -> String? {
        guard let lowered = type?.lowercased() else { return nil }
        return lowered.hasPrefix("application/") ? String(lowered.dropFirst("application/".count)) : lowered
    }
}
