import TributarySDK

/// The plugin's own series on /metrics (tributary_plugin_oidc_*).
struct OIDCMetrics: Sendable {
    let accepted: Metric?
    let cacheHits: Metric?
    let refused: Metric?
    let expired: Metric?
    let unavailable: Metric?
    let keyFetches: Metric?
    let keyFetchFailures: Metric?
    let keys: Metric?
    let keysFetchedAt: Metric?
    let degraded: Metric?

    init(host: PluginHost) {
        accepted = host.registerMetric(.counter, name: "oidc_tokens_accepted_total", help: "Bearer tokens accepted (cache hits included).")
        cacheHits = host.registerMetric(.counter, name: "oidc_token_cache_hits_total", help: "Tokens answered from the verified-token cache.")
        refused = host.registerMetric(.counter, name: "oidc_tokens_refused_total", help: "Tokens refused: bad signature, header, claims or key.")
        expired = host.registerMetric(.counter, name: "oidc_tokens_expired_total", help: "Tokens refused because they expired (counted in refused too).")
        unavailable = host.registerMetric(.counter, name: "oidc_tokens_unavailable_total", help: "Tokens not answered: no key set could be fetched yet.")
        keyFetches = host.registerMetric(.counter, name: "oidc_key_fetches_total", help: "Key set fetches that succeeded (discovery and JWKS).")
        keyFetchFailures = host.registerMetric(.counter, name: "oidc_key_fetch_failures_total", help: "Key set fetches that failed.")
        keys = host.registerMetric(.gauge, name: "oidc_keys", help: "Signing keys in the key set in use.")
        keysFetchedAt = host.registerMetric(.gauge, name: "oidc_keys_fetched_timestamp_seconds", help: "When the key set in use was fetched.")
        degraded = host.registerMetric(.gauge, name: "oidc_provider_degraded", help: "1 while the last key set fetch failed (cached keys in use).")
    }
}
