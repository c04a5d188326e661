import Synchronization
import TributarySDK

/// The `registry-file` authenticator: devices, gateways, certificates and API-key users from one
/// JSON file in Drogue's resource model, watched (and read again on SIGHUP) and swapped in whole
/// when a valid new version appears.
///
/// Drop-in keys: `path` (required; relative to the drop-in file's directory), `cache_size`
/// (verified-credential cache entries, default 10000), `hash_workers` (threads for bcrypt and
/// sha512-crypt, default 2), `failure_burst` and `failures_per_minute` (each device's password
/// failure budget, default 10 then 12 a minute).
final class RegistryFileAuthenticator: AuthenticatorInstance {
    /// Slow verifications waiting, per hash worker, beyond which new ones are refused as
    /// unavailable at once: 16 bcrypt jobs of cost 10 are about a second of one worker, so a
    /// request admitted is answered in time, and one refused is told so without waiting.
    static let hashQueuePerWorker = 16

    let path: String
    let metrics: RegistryMetrics
    private let current: Mutex<LoadedRegistry>
    private let verifier: SecretVerifier
    private let workers: HashWorkers
    /// Each device (as named by the client) may fail `failure_burst` times, then
    /// `failures_per_minute`; its secrets that verified before still pass.
    private let failures: FailureBuckets
    private let log: RegistryLog
    private let watcher = Mutex<FileWatcher?>(nil)
    private let host: PluginHost?

    convenience init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        try self.init(config: config, host: host, log: RegistryLog(host: host))
    }

    /// `host` is nil in tests, which read `metrics` directly.
    init(config: PluginConfig, host: PluginHost?, log: RegistryLog) throws(PluginError) {
        let configured = try config.requiredString("path")
        let cacheSize = try config.integer("cache_size", default: 10_000, range: 1...10_000_000)
        let hashWorkers = try config.integer("hash_workers", default: 2, range: 1...64)
        let failureBurst = try config.integer("failure_burst", default: 10, range: 1...1_000_000)
        let failuresPerMinute = try config.integer("failures_per_minute", default: 12, range: 1...1_000_000)
        try config.finish()
        path = Self.resolve(configured, besides: config.file)
        switch RegistryLoader.load(path: path) {
        case .failure(let error): throw PluginError("registry: \(path): \(error.message)")
        case .success(let loaded): current = Mutex(loaded)
        }
        self.log = log
        self.host = host
        metrics = RegistryMetrics(host: host)
        failures = FailureBuckets(burst: Int(failureBurst), refillPerSecond: Double(failuresPerMinute) / 60)
        workers = HashWorkers(count: Int(hashWorkers), capacity: Int(hashWorkers) * Self.hashQueuePerWorker)
        verifier = SecretVerifier(cache: CredentialCache(capacity: Int(cacheSize)), workers: workers, metrics: metrics)
        log(.info, "registry: \(path): \(Self.summary(current.withLock { $0.index }))")
    }

    func start() throws(PluginError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        do {
            let watching = try FileWatcher(directory: directory, isRelevant: { $0 == name }) { [weak self] in self?.reload() }
            watching.start()
            watcher.withLock { $0 = watching }
            _ = host?.onRefresh { [weak self] in self?.reload() }
        } catch {
            throw PluginError("registry: \(path): \(error.message)")
        }
    }

    func drain(deadlineUnixMilliseconds: Int64) {
        workers.waitUntilIdle(deadlineUnixMilliseconds: deadlineUnixMilliseconds)
    }

    func stop() {
        watcher.withLock { $0 }?.stop()
        workers.stop()
    }

    /// Reads the file again and swaps it in when it is valid and changed; an invalid version is
    /// logged with its position and the previous one stays in force. Returns whether the file
    /// is valid.
    @discardableResult
    func reload() -> Bool {
        switch RegistryLoader.load(path: path) {
        case .failure(let error):
            metrics.reloadErrors.add()
            log(.error, "registry: \(path): \(error.message)")
            return false
        case .success(let loaded):
            let changed = current.withLock { current -> Bool in
                guard current.digest != loaded.digest else { return false }
                current = loaded
                return true
            }
            if changed {
                // Outcomes stay true for the same hash and secret, but the file may have dropped
                // the credential: keep no trace of secrets the registry no longer holds.
                verifier.forgetCachedOutcomes()
                metrics.reloads.add()
                log(.info, "registry: \(path): reloaded, \(Self.summary(loaded.index))")
            }
            return true
        }
    }

    private var registry: RegistryIndex { current.withLock { $0.index } }

    // MARK: - Answers as values (what tests drive), and as the SDK's replies

    func authenticateDevice(_ request: DeviceAuthRequest, later: @escaping @Sendable (DeviceVerdict) -> Void) -> DeviceVerdict? {
        DeviceAuthenticator(registry: registry, verifier: verifier, failures: failures, metrics: metrics, log: log).authenticate(request, later: later)
    }

    func authenticateUser(_ request: UserAuthRequest, later: @escaping @Sendable (UserVerdict) -> Void) -> UserVerdict? {
        UserAuthorizer(registry: registry, verifier: verifier).authenticate(request, later: later)
    }

    func authorize(_ request: AuthorizeRequest) -> Status {
        UserAuthorizer(registry: registry, verifier: verifier).authorize(request)
    }

    func lookupPSK(_ request: PSKRequest) -> PSKVerdict {
        DeviceAuthenticator(registry: registry, verifier: verifier, failures: failures, metrics: metrics, log: log).lookupPSK(request)
    }

    func lookupPSK(_ request: PSKRequest, reply: PSKReply) -> Status {
        let verdict = lookupPSK(request)
        guard verdict.status != .defer else { return .defer }
        reply(verdict)
        return .pending
    }

    func authenticateDevice(_ request: DeviceAuthRequest, reply: DeviceAuthReply) -> Status {
        let send: @Sendable (DeviceVerdict) -> Void = {
            reply($0.status, application: $0.application, device: $0.device, asDevice: $0.asDevice, properties: $0.properties)
        }
        guard let verdict = authenticateDevice(request, later: send) else { return .pending }
        // An immediate `.ok` means "the request's names are canonical, no properties"; otherwise
        // send the names and properties.
        guard verdict.status == .ok, verdict.application != request.application || verdict.device != request.device
                || verdict.asDevice != request.asDevice || !verdict.properties.isEmpty else { return verdict.status }
        send(verdict)
        return .pending
    }

    func authenticateUser(_ request: UserAuthRequest, reply: UserAuthReply) -> Status {
        let send: @Sendable (UserVerdict) -> Void = { reply($0.status, user: $0.user, roles: $0.roles) }
        guard let verdict = authenticateUser(request, later: send) else { return .pending }
        // The user and roles travel only with a completion.
        guard verdict.status == .ok else { return verdict.status }
        send(verdict)
        return .pending
    }

    func authorize(_ request: AuthorizeRequest, reply: AuthorizeReply) -> Status {
        authorize(request)
    }

    // MARK: -

    /// A relative `path` is relative to the directory of the drop-in file that names it.
    static func resolve(_ path: String, besides dropIn: String) -> String {
        guard !path.hasPrefix("/"), let slash = dropIn.lastIndex(of: "/") else { return path }
        return String(dropIn[...slash]) + path
    }

    private static func summary(_ index: RegistryIndex) -> String {
        "\(index.applicationCount) applications, \(index.deviceCount) devices, \(index.userCount) users"
    }
}
