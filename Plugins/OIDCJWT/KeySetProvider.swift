import Synchronization
import TributaryNet
import TributarySDK

/// Keeps the provider's key set: discovery (`jwks_uri` from the OpenID configuration), then
/// the set itself, refreshed when `Cache-Control` says it goes stale and, rate limited, when a
/// token names a key the set lacks (the provider rotated). Fetches run on the client's loop and
/// never block a verification: a token the current set can answer is answered with it, and the
/// last good set stays in use while the provider is down.
final class KeySetProvider: Sendable {
    /// Called once with the set after a fetch (the previous one when the fetch failed; nil when
    /// there has never been one).
    typealias Waiter = @Sendable (JSONWebKeySet?) -> Void

    /// Requests waiting for one fetch, at most; past it they are answered with what is there.
    static let maxWaiters = 4096

    struct Health: Equatable {
        var degraded: Bool
        var reason: String
    }

    /// Why a fetch failed, for the log and `/healthz`.
    private struct FetchFailure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private struct State {
        var keys: JSONWebKeySet?
        var keysURL: HTTPURL?
        var fetching = false
        var waiters: [Waiter] = []
        /// Monotonic nanoseconds of the last fetch started, for the unknown-`kid` rate limit.
        var lastStarted: Int64?
        var consecutiveFailures = 0
        var lastError: String?
        var fetchedAtMilliseconds: Int64 = 0
        var timer: UInt64?
        var stopped = false
    }

    private let discovery: HTTPURL
    private let configuration: OIDCConfiguration
    private let client: HTTPClient
    private let loop: EventLoop
    private let onChange: @Sendable (Health, JSONWebKeySet?) -> Void
    private let state = Mutex(State())

    /// `onChange` runs on the loop after every fetch, with the provider's health and the set.
    init(discovery: HTTPURL, configuration: OIDCConfiguration, client: HTTPClient, loop: EventLoop,
         onChange: @escaping @Sendable (Health, JSONWebKeySet?) -> Void) {
        self.discovery = discovery
        self.configuration = configuration
        self.client = client
        self.loop = loop
        self.onChange = onChange
    }

    var keys: JSONWebKeySet? { state.withLock { $0.keys } }

    func start() {
        loop.execute { self.fetch() }
    }

    /// Stops refreshing; waiting requests get the set there is.
    func stop() {
        let (waiters, keys) = state.withLock { state -> ([Waiter], JSONWebKeySet?) in
            state.stopped = true
            defer { state.waiters = [] }
            if let timer = state.timer {
                loop.execute { self.loop.cancelTimer(timer) }
            }
            return (state.waiters, state.keys)
        }
        for waiter in waiters { waiter(keys) }
    }

    /// A token named a key the set does not hold, or there is no set yet: fetch again unless a
    /// fetch started less than `unknown_kid_interval_seconds` ago. Returns false (and never
    /// calls `waiter`) when rate limited or too many requests already wait.
    func refetch(_ waiter: @escaping Waiter) -> Bool {
        let now = SystemClock.monotonicNanoseconds()
        let interval = configuration.unknownKeyIntervalSeconds * 1_000_000_000
        let start = state.withLock { state -> Bool? in
            guard !state.stopped, state.waiters.count < Self.maxWaiters else { return nil }
            if state.fetching {
                state.waiters.append(waiter)
                return false
            }
            if let last = state.lastStarted, now - last < interval { return nil }
            state.waiters.append(waiter)
            return true
        }
        guard let start else { return false }
        if start { loop.execute { self.fetch() } }
        return true
    }

    /// Loop thread only.
    private func fetch() {
        let keysURL = state.withLock { state -> HTTPURL?? in
            guard !state.stopped, !state.fetching else { return .none }
            state.fetching = true
            state.lastStarted = SystemClock.monotonicNanoseconds()
            if let timer = state.timer {
                loop.cancelTimer(timer)
                state.timer = nil
            }
            return .some(state.keysURL)
        }
        guard let keysURL else { return }
        if let known = keysURL {
            fetchKeys(known)
        } else {
            get(discovery) { result in
                switch result {
                case .failure(let reason): self.finish(.failure(reason), maxAge: nil)
                case .success(let response):
                    switch self.jwksURI(response.body) {
                    case .failure(let reason): self.finish(.failure(reason), maxAge: nil)
                    case .success(let url):
                        self.state.withLock { $0.keysURL = url }
                        self.fetchKeys(url)
                    }
                }
            }
        }
    }

    private func fetchKeys(_ url: HTTPURL) {
        get(url) { result in
            switch result {
            case .failure(let reason):
                // The provider may have moved its keys: discover again next time.
                self.state.withLock { $0.keysURL = nil }
                self.finish(.failure(reason), maxAge: nil)
            case .success(let response):
                do throws(PositionedError) {
                    let keys = try JSONWebKeySet.parse(response.body, maxBytes: self.configuration.maxKeySetBytes, maxKeys: self.configuration.maxKeys)
                    self.finish(.success(keys), maxAge: CacheControl.maxAge(response.headers["Cache-Control"]))
                } catch {
                    self.finish(.failure(FetchFailure("\(url): not a usable key set: \(error.reason)")), maxAge: nil)
                }
            }
        }
    }

    private func get(_ url: HTTPURL, _ done: @escaping @Sendable (Result<HTTPClientResponse, FetchFailure>) -> Void) {
        var request = HTTPClientRequest(method: "GET", url: url)
        try? request.headers.add(name: "Accept", value: "application/json")
        client.send(request, to: url.origin, timeoutMilliseconds: configuration.fetchTimeoutMilliseconds, on: loop) { result in
            switch result {
            case .failure(let error): done(.failure(FetchFailure("\(url): \(error.description)")))
            case .success(let response) where response.status != 200: done(.failure(FetchFailure("\(url): HTTP \(response.status)")))
            case .success(let response): done(.success(response))
            }
        }
    }

    /// OpenID Connect Discovery 1.0 section 4.3: the document's issuer must be the configured
    /// one, or an attacker's configuration could name keys for someone else's tokens.
    private func jwksURI(_ body: [UInt8]) -> Result<HTTPURL, FetchFailure> {
        guard body.count <= configuration.maxKeySetBytes else { return .failure(FetchFailure("\(discovery): the configuration is too large")) }
        do {
            let root = JSONField(node: try PositionedJSONParser.parse(body), path: "")
            let issuer = try root.required("issuer").string()
            guard issuer == configuration.rules.issuer else {
                return .failure(FetchFailure("\(discovery): names issuer '\(issuer)', not the configured '\(configuration.rules.issuer)'"))
            }
            let uri = try root.required("jwks_uri").string()
            guard let url = try? HTTPURL(uri), url.origin.scheme == .https else { return .failure(FetchFailure("\(discovery): jwks_uri '\(uri)' is not an https URL")) }
            return .success(url)
        } catch {
            return .failure(FetchFailure("\(discovery): \(error.reason)"))
        }
    }

    private func finish(_ outcome: Result<JSONWebKeySet, FetchFailure>, maxAge: Int64?) {
        let bounds = configuration.refreshBounds
        let (waiters, keys, health, delay) = state.withLock { state -> ([Waiter], JSONWebKeySet?, Health, Int64) in
            state.fetching = false
            let delay: Int64
            switch outcome {
            case .success(let keys):
                state.keys = keys
                state.lastError = nil
                state.consecutiveFailures = 0
                state.fetchedAtMilliseconds = SystemClock.wallClockMilliseconds()
                delay = min(max(maxAge ?? configuration.refreshSeconds, bounds.lowerBound), bounds.upperBound)
            case .failure(let failure):
                state.lastError = failure.reason
                state.consecutiveFailures += 1
                // 1, 2, 4 ... seconds, up to the shortest refresh: a provider back from an outage
                // is noticed soon, and a dead one is not hammered.
                delay = min(Int64(1) << min(state.consecutiveFailures - 1, 16), bounds.lowerBound)
            }
            let waiters = state.waiters
            state.waiters = []
            return (waiters, state.keys, Self.health(of: state), delay)
        }
        for waiter in waiters { waiter(keys) }
        onChange(health, keys)
        state.withLock { current in
            guard !current.stopped else { return }
            current.timer = loop.scheduleTimer(afterMilliseconds: delay * 1000) { [self] in
                state.withLock { $0.timer = nil }
                fetch()
            }
        }
    }

    private static func health(of state: State) -> Health {
        guard let error = state.lastError else { return Health(degraded: false, reason: "") }
        guard state.keys != nil else { return Health(degraded: true, reason: "no signing keys: \(error)") }
        let when = RFC3339.formatUTC(unixNanoseconds: state.fetchedAtMilliseconds * 1_000_000)
        return Health(degraded: true, reason: "the provider is unreachable (\(error)); verifying with the keys fetched at \(when)")
    }
}
