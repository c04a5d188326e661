import TributaryNet
import TributarySDK

/// The `oidc-jwt` plugin's drop-in keys. `issuer` and `audience` are required.
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `issuer` | string (URL) | required | `iss` tokens must carry; also where discovery starts (`{issuer}/.well-known/openid-configuration`) |
/// | `audience` | string | required | must be in `aud`, or equal `azp` (Keycloak: the client id) |
/// | `jwks_file` | string (path) | none | a JWK Set file used instead of discovery (offline); read when the drop-in is loaded |
/// | `ca_file` | string (PEM) | system store | trust anchors for the provider's TLS certificate |
/// | `client_id` | string | `audience` | whose `resource_access.<client>.roles` are roles |
/// | `roles_claim` | string | Keycloak's | a dotted claim path to a string array, replacing `realm_access.roles` and `resource_access.<client>.roles` |
/// | `user_claim` | string | `sub` | the claim that names the user (owner and members in the registry) |
/// | `token_type` | string | any | the header `typ` required, e.g. `at+jwt` |
/// | `leeway_seconds` | integer | 60 | clock skew allowed on `exp`, `nbf`, `iat` |
/// | `max_token_bytes` | integer | 8192 | longer tokens are refused unread |
/// | `max_jwks_bytes`, `max_keys` | integer | 65536, 64 | a larger key set is refused (the previous one stays) |
/// | `refresh_seconds` | integer | 300 | key set refresh when the provider sends no `Cache-Control: max-age` |
/// | `min_refresh_seconds`, `max_refresh_seconds` | integer | 60, 86400 | bounds on the provider's `max-age` |
/// | `unknown_kid_interval_seconds` | integer | 30 | at most one refetch this often for tokens naming an unknown `kid` |
/// | `fetch_timeout_ms` | integer | 5000 | each discovery or key set request |
/// | `token_cache_entries` | integer | 10000 | verified tokens remembered by digest; 0 turns the cache off |
struct OIDCConfiguration: Sendable {
    enum KeySource: Sendable, Equatable {
        case discovery(HTTPURL)
        case file(String)
    }

    var rules: TokenRules
    var keySource: KeySource
    var tls: TLSClientConfiguration
    var maxKeySetBytes: Int
    var maxKeys: Int
    var refreshSeconds: Int64
    var refreshBounds: ClosedRange<Int64>
    var unknownKeyIntervalSeconds: Int64
    var fetchTimeoutMilliseconds: Int64
    var tokenCacheEntries: Int

    init(_ config: PluginConfig) throws(PluginError) {
        let issuer = try config.string("issuer")
        let audience = try config.string("audience")
        guard let issuer, let audience else {
            let missing = [issuer == nil ? "issuer" : nil, audience == nil ? "audience" : nil].compactMap { $0 }
            throw PluginError("\(config.file): \(missing.joined(separator: " and ")) required: 'issuer' is the provider's URL as tokens carry it in 'iss' "
                + "(Keycloak: https://sso.example.com/realms/drogue), 'audience' the client id tokens are issued for")
        }
        let jwksFile = try config.string("jwks_file")
        if let jwksFile {
            keySource = .file(jwksFile)
        } else {
            let trimmed = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
            let discovery: HTTPURL
            do {
                discovery = try HTTPURL(trimmed + "/.well-known/openid-configuration")
            } catch {
                throw PluginError("\(config.file): issuer: \(error.description)")
            }
            guard discovery.origin.scheme == .https else {
                throw PluginError("\(config.file): issuer must be an https URL for discovery (or set jwks_file)")
            }
            keySource = .discovery(discovery)
        }
        let client = try config.string("client_id", default: audience)
        let rolePaths: [[String]]
        if let path = try config.string("roles_claim") {
            let steps = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !steps.contains("") else { throw PluginError("\(config.file): roles_claim must be a dotted claim path such as 'groups' or 'realm_access.roles'") }
            rolePaths = [steps]
        } else {
            rolePaths = TokenRules.keycloakRolePaths(client: client)
        }
        rules = TokenRules(
            issuer: issuer, audience: audience,
            leewaySeconds: try config.integer("leeway_seconds", default: 60, range: 0...3600),
            requiredType: try config.string("token_type"),
            userClaim: try config.string("user_claim", default: "sub"),
            rolePaths: rolePaths,
            maxTokenBytes: Int(try config.integer("max_token_bytes", default: 8192, range: 256...65536)))
        tls = TLSClientConfiguration(caFile: try config.string("ca_file"))
        maxKeySetBytes = Int(try config.integer("max_jwks_bytes", default: 65536, range: 1024...(4 << 20)))
        maxKeys = Int(try config.integer("max_keys", default: 64, range: 1...1000))
        refreshSeconds = try config.integer("refresh_seconds", default: 300, range: 1...604_800)
        let minimum = try config.integer("min_refresh_seconds", default: 60, range: 1...604_800)
        let maximum = try config.integer("max_refresh_seconds", default: 86_400, range: 1...604_800)
        guard minimum <= maximum else { throw PluginError("\(config.file): min_refresh_seconds must not exceed max_refresh_seconds") }
        refreshBounds = minimum...maximum
        unknownKeyIntervalSeconds = try config.integer("unknown_kid_interval_seconds", default: 30, range: 0...86_400)
        fetchTimeoutMilliseconds = try config.integer("fetch_timeout_ms", default: 5000, range: 100...120_000)
        tokenCacheEntries = Int(try config.integer("token_cache_entries", default: 10_000, range: 0...10_000_000))
        try config.finish()
    }
}
