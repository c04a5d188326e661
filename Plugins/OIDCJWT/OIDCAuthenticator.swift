import Synchronization
import TributaryNet
import TributarySDK

/// The `oidc-jwt` authenticator: bearer tokens of one OpenID Connect provider become users with
/// roles. API keys, and tokens of another issuer, are deferred to the next authenticator
/// (registry-file's API keys, another oidc-jwt drop-in); authorization stays with the registry.
///
/// A token is answered on the caller's thread whenever the cache or the current key set can
/// answer it (a signature check costs tens of microseconds); only a token naming an unknown key,
/// or arriving before the first key set, waits for a fetch on the plugin's own loop.
final class OIDCAuthenticator: AuthenticatorInstance, @unchecked Sendable {
    private enum Keys {
        case fixed(JSONWebKeySet)
        /// Discovery, over a TLS client that follows its CA file.
        case provider(HTTPURL, ReloadingTLSClientContext)
    }

    private let host: PluginHost
    private let configuration: OIDCConfiguration
    private let keys: Keys
    private var tlsWatch: TLSFileWatch?
    private let cache: VerifiedTokenCache
    private let faults: ClientFaultLog
    private var metrics: OIDCMetrics?
    private var group: EventLoopGroup?
    private var client: HTTPClient?
    private var provider: KeySetProvider?

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try OIDCConfiguration(config)
        switch configuration.keySource {
        case .file(let path):
            keys = .fixed(try Self.load(path, configuration))
        case .discovery(let url):
            do {
                // Fail in `tributary check`, not at the first fetch, when the CA file is unusable.
                keys = .provider(url, try ReloadingTLSClientContext(configuration.tls))
            } catch {
                throw PluginError("\(config.file): ca_file: \(error)")
            }
        }
        cache = VerifiedTokenCache(capacity: configuration.tokenCacheEntries)
        faults = ClientFaultLog(host: host)
    }

    private static func load(_ path: String, _ configuration: OIDCConfiguration) throws(PluginError) -> JSONWebKeySet {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path, maxBytes: configuration.maxKeySetBytes)
        } catch {
            throw PluginError("jwks_file \(path): \(error)")
        }
        do {
            return try JSONWebKeySet.parse(bytes, maxBytes: configuration.maxKeySetBytes, maxKeys: configuration.maxKeys)
        } catch {
            throw PluginError("jwks_file \(path): byte \(error.offset): \(error.reason)")
        }
    }

    func start() throws(PluginError) {
        let metrics = OIDCMetrics(host: host)
        self.metrics = metrics
        switch keys {
        case .fixed(let set):
            metrics.keys.set(Int64(set.keys.count))
            for reason in set.skipped { host.log(.warn, "jwks_file: key skipped: \(reason)") }
        case .provider(let discovery, let tls):
            let group: EventLoopGroup
            do {
                group = try EventLoopGroup(name: "oidc-keys", count: 1)
            } catch {
                throw PluginError("cannot start the key fetcher: \(error)", status: .internalError)
            }
            let client = HTTPClient(group: group, configuration: HTTPClientConfiguration(
                maxConnectionsPerOrigin: 2, connectTimeoutMilliseconds: configuration.fetchTimeoutMilliseconds,
                limits: HTTPDecoderLimits(maxBodyBytes: configuration.maxKeySetBytes)), tls: tls)
            let host = host
            let provider = KeySetProvider(discovery: discovery, configuration: configuration, client: client, loop: group.loops[0]) { health, keys in
                Self.observe(health, keys, host: host, metrics: metrics)
            }
            self.group = group
            self.client = client
            self.provider = provider
            tlsWatch = TLSFileWatch.following(tls, label: "key set client", metrics: "oidc_tls_client", host: host)
            provider.start()
        }
    }

    private static func observe(_ health: KeySetProvider.Health, _ keys: JSONWebKeySet?, host: PluginHost, metrics: OIDCMetrics) {
        metrics.degraded.set(health.degraded ? 1 : 0)
        if health.degraded {
            metrics.keyFetchFailures.add()
        } else {
            metrics.keyFetches.add()
            metrics.keysFetchedAt.set(SystemClock.wallClockMilliseconds() / 1000)
            for reason in keys?.skipped ?? [] { host.log(.warn, "key set: key skipped: \(reason)") }
        }
        metrics.keys.set(Int64(keys?.keys.count ?? 0))
        host.reportHealth("provider", degradedBecause: health.degraded ? health.reason : nil)
    }

    func stop() {
        tlsWatch?.stop()
        provider?.stop()
        client?.shutdown()
        group?.stop()
    }

    func authenticateUser(_ request: UserAuthRequest, reply: UserAuthReply) -> Status {
        guard case .bearerToken(let text)? = request.credential else { return .defer }
        let token = Array(text.utf8)
        let now = SystemClock.wallClockMilliseconds() / 1000
        let digest = cache.isEnabled && token.count <= configuration.rules.maxTokenBytes ? VerifiedTokenCache.Digest(token) : nil
        if let digest, let known = cache.lookup(digest, now: now) {
            metrics?.cacheHits.add()
            return accept(known, reply: reply)
        }
        let current: JSONWebKeySet?
        switch keys {
        case .fixed(let set): current = set
        case .provider: current = provider?.keys
        }
        guard let current else {
            // Before the first key set: wait for the fetch under way (or start one).
            return wait(token, digest, reply)
        }
        switch TokenVerifier.verify(token, keys: current, rules: configuration.rules, now: now) {
        case .success(let verified):
            remember(verified, digest)
            return accept(verified, reply: reply)
        case .failure(.unknownKey(let id)) where provider != nil:
            host.log(.info, "a token names key '\(id)', which the key set lacks: fetching it again")
            return wait(token, digest, reply)
        case .failure(let refusal):
            return refuse(refusal)
        }
    }

    /// Answers once a fetch ends: with the new set, or the old one if the fetch failed.
    private func wait(_ token: [UInt8], _ digest: VerifiedTokenCache.Digest?, _ reply: UserAuthReply) -> Status {
        guard let provider else { return .unavailable }
        let accepted = provider.refetch { [self] keys in
            guard let keys else {
                metrics?.unavailable.add()
                return reply(.unavailable)
            }
            let now = SystemClock.wallClockMilliseconds() / 1000
            switch TokenVerifier.verify(token, keys: keys, rules: configuration.rules, now: now) {
            case .success(let verified):
                remember(verified, digest)
                _ = accept(verified, reply: reply)
            case .failure(let refusal):
                reply(refuse(refusal))
            }
        }
        if accepted { return .pending }
        guard provider.keys != nil else {
            metrics?.unavailable.add()
            return .unavailable
        }
        // Rate limited: the set was fetched moments ago and still lacks the key.
        return refuse(.unknownKey("(refetched within unknown_kid_interval_seconds)"))
    }

    private func remember(_ verified: VerifiedToken, _ digest: VerifiedTokenCache.Digest?) {
        guard let digest else { return }
        cache.insert(digest, verified, validUntil: verified.expiresAt + configuration.rules.leewaySeconds)
    }

    private func accept(_ verified: VerifiedToken, reply: UserAuthReply) -> Status {
        metrics?.accepted.add()
        reply(.ok, user: verified.user, roles: verified.roles, expiresAt: verified.expiresAt)
        return .pending
    }

    /// Another issuer's token is not ours to refuse.
    private func refuse(_ refusal: TokenRefusal) -> Status {
        if case .issuerRefused = refusal { return .defer }
        metrics?.refused.add()
        if refusal == .expired { metrics?.expired.add() }
        faults.log(.info, "bearer token refused: \(refusal)")
        return .unauthenticated
    }
}
