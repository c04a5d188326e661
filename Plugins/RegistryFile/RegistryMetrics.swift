import Synchronization
import TributarySDK

/// A counter exported on the host's /metrics, also counted here so tests (which run without a
/// host) can read it.
final class RegistryCounter: Sendable {
    private let total = Atomic<Int64>(0)
    private let exported: Metric?

    init(_ host: PluginHost?, name: String, help: String) {
        exported = host?.registerMetric(.counter, name: name, help: help)
    }

    func add(_ delta: Int64 = 1) {
        total.add(delta, ordering: .relaxed)
        exported?.add(delta)
    }

    var value: Int64 { total.load(ordering: .relaxed) }
}

/// The registry's metrics, `tributary_plugin_registry_file_*{instance}` on /metrics.
struct RegistryMetrics: Sendable {
    let reloads: RegistryCounter
    let reloadErrors: RegistryCounter
    let cacheHits: RegistryCounter
    let hashVerifications: RegistryCounter
    let throttled: RegistryCounter
    let standInVerifications: RegistryCounter

    init(host: PluginHost?) {
        reloads = RegistryCounter(host, name: "registry_file_reloads_total", help: "New versions of the registry file swapped in.")
        reloadErrors = RegistryCounter(host, name: "registry_file_reload_errors_total", help: "Versions of the registry file refused as invalid.")
        cacheHits = RegistryCounter(host, name: "registry_file_cache_hits_total", help: "Slow hash verifications answered from the cache.")
        hashVerifications = RegistryCounter(host, name: "registry_file_hash_verifications_total", help: "bcrypt and sha512-crypt computations.")
        throttled = RegistryCounter(host, name: "registry_file_throttled_total", help: "Device authentications refused unchecked: the device's failure budget was spent.")
        standInVerifications = RegistryCounter(host, name: "registry_file_stand_in_verifications_total",
                                                help: "Secrets for unknown devices verified against a stand-in, so they cost what a known device costs.")
    }
}
