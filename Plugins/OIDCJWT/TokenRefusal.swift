/// Why a bearer token was not accepted: logged (without the token) and counted by `reason`.
enum TokenRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(Int)
    case malformed(String)
    /// `none`, an HMAC algorithm, or a name no specification defines.
    case algorithmRefused(String)
    /// `jwk`, `jku`, `x5u`, `x5c` or `crit`: the token would choose its own key or rules.
    case headerRefused(String)
    case typeRefused(String)
    case unknownKey(String)
    /// No key of the set may check this algorithm: wrong type, `alg`, `use` or `key_ops`.
    case noUsableKey(String)
    case badSignature
    case expired
    case notYetValid
    case issuedInTheFuture
    case issuerRefused(String)
    case audienceRefused
    case claimMissing(String)

    var reason: String {
        switch self {
        case .tooLarge: "too_large"
        case .malformed: "malformed"
        case .algorithmRefused: "algorithm"
        case .headerRefused: "header"
        case .typeRefused: "type"
        case .unknownKey: "unknown_key"
        case .noUsableKey: "unusable_key"
        case .badSignature: "signature"
        case .expired: "expired"
        case .notYetValid, .issuedInTheFuture: "not_yet_valid"
        case .issuerRefused: "issuer"
        case .audienceRefused: "audience"
        case .claimMissing: "claims"
        }
    }

    var description: String {
        switch self {
        case .tooLarge(let limit): "the token is longer than \(limit) bytes"
        case .malformed(let why): "malformed token: \(why)"
        case .algorithmRefused(let alg): "algorithm '\(alg)' is not accepted"
        case .headerRefused(let name): "header '\(name)' is not accepted"
        case .typeRefused(let typ): "token type '\(typ)' is not the configured one"
        case .unknownKey(let kid): "no key with kid '\(kid)'"
        case .noUsableKey(let alg): "no key may verify \(alg) signatures"
        case .badSignature: "the signature does not verify"
        case .expired: "the token has expired"
        case .notYetValid: "the token is not valid yet (nbf)"
        case .issuedInTheFuture: "the token was issued in the future (iat)"
        case .issuerRefused(let iss): "issuer '\(iss)' is not the configured one"
        case .audienceRefused: "the configured audience is neither in 'aud' nor 'azp'"
        case .claimMissing(let claim): "claim '\(claim)' is missing or not usable"
        }
    }
}
