import Synchronization
import TributarySDK

/// The downlink targets this adapter knows, learnt from authenticated uplinks: per end device what
/// its webhook's headers announced, per application what the registry configures
/// (`spec.ttn.api`). Both are bounded in count and expire when no uplink refreshes them, so a
/// fleet that moves away does not leave keys behind.
///
/// Commands reach it through one wildcard route per application it has seen (exact routes of
/// devices connected over MQTT, HTTP or CoAP come first), registered on the first uplink and
/// removed when the application's last target expires.
final class DownlinkDirectory: Sendable {
    private struct Key: Hashable {
        let application: String
        let device: String
    }

    private struct Entry<Value> {
        var value: Value
        var expires: Int64
    }

    private struct Application {
        var configured: Entry<ConfiguredDownlinkAPI>?
        /// nil while the route is being added.
        var route: UInt64?
        var devices = 0
    }

    private struct State {
        var devices: [Key: Entry<DownlinkTarget>] = [:]
        var applications: [String: Application] = [:]
        var evicted = 0
        /// When a full table last looked for expired entries: at most once a second, so a full
        /// table of live targets costs one eviction per new device, not a scan.
        var lastSweep: Int64 = .min
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let ttl: Int64
    private let clock: any MonotonicClock

    init(capacity: Int, ttlNanoseconds: Int64, clock: any MonotonicClock = SystemMonotonicClock()) {
        self.capacity = capacity
        ttl = ttlNanoseconds
        self.clock = clock
    }

    /// Records an authenticated uplink's targets. Returns true when the application is new and
    /// needs its route: the caller adds it and reports it with ``routeAdded(_:for:)``.
    func learn(application: String, device: String, announced: DownlinkTarget?, configured: ConfiguredDownlinkAPI?) -> Bool {
        let now = clock.nanoseconds()
        return state.withLock { state in
            let isNew = state.applications[application] == nil
            if isNew {
                // Applications are bounded like devices; their entries go when the sweep finds
                // them empty (``expire()``).
                guard state.applications.count < capacity else {
                    state.evicted += 1
                    return false
                }
                state.applications[application] = Application()
            }
            if let announced { Self.put(&state, Key(application: application, device: device), announced, now: now, ttl: ttl, capacity) }
            if let configured { state.applications[application]?.configured = Entry(value: configured, expires: now + ttl) }
            return isNew
        }
    }

    /// The route the caller added for `application`; false when the application was forgotten
    /// meanwhile (the caller then removes the route).
    func routeAdded(_ route: UInt64, for application: String) -> Bool {
        state.withLock { state in
            guard state.applications[application] != nil else { return false }
            state.applications[application]?.route = route
            return true
        }
    }

    /// Forgets an application whose route could not be added.
    func forget(application: String) {
        state.withLock { state in
            state.devices = state.devices.filter { $0.key.application != application }
            state.applications[application] = nil
        }
    }

    /// Where a command for `device` goes now: its announced target, else the application's
    /// configured API; nil when neither is known (or both expired).
    func target(application: String, device: String, mode: DownlinkMode, allowHTTP: Bool) -> DownlinkTarget? {
        let now = clock.nanoseconds()
        return state.withLock { state in
            if let entry = state.devices[Key(application: application, device: device)], entry.expires > now { return entry.value }
            if let entry = state.applications[application]?.configured, entry.expires > now {
                return DownlinkTarget.configured(entry.value, device: device, mode: mode, allowHTTP: allowHTTP)
            }
            return nil
        }
    }

    /// Drops what expired; returns the routes of applications with nothing left, for the caller
    /// to remove.
    func expire() -> [UInt64] {
        state.withLock { state in
            let now = clock.nanoseconds()
            _ = Self.sweep(&state, now: now)
            var routes: [UInt64] = []
            for (name, application) in state.applications where application.devices == 0 && application.configured == nil {
                if let route = application.route {
                    routes.append(route)
                    state.applications[name] = nil
                }
            }
            return routes
        }
    }

    /// Every route held, for the adapter's stop.
    func removeAll() -> [UInt64] {
        state.withLock { state in
            defer { state = State() }
            return state.applications.values.compactMap(\.route)
        }
    }

    var count: Int { state.withLock { $0.devices.count } }
    var evictions: Int { state.withLock { $0.evicted } }

    private static func put(_ state: inout State, _ key: Key, _ target: DownlinkTarget, now: Int64, ttl: Int64, _ capacity: Int) {
        if state.devices[key] == nil {
            if state.devices.count >= capacity, state.lastSweep < now - 1_000_000_000 { _ = sweep(&state, now: now) }
            if state.devices.count >= capacity, let victim = state.devices.keys.first {
                // Full of live targets: one goes, so the newest device still gets its downlinks.
                state.devices[victim] = nil
                state.applications[victim.application]?.devices -= 1
                state.evicted += 1
            }
            state.applications[key.application]?.devices += 1
        }
        state.devices[key] = Entry(value: target, expires: now + ttl)
    }

    /// Removes expired entries; true when that made room.
    private static func sweep(_ state: inout State, now: Int64) -> Bool {
        state.lastSweep = now
        let before = state.devices.count
        for (key, entry) in state.devices where entry.expires <= now {
            state.devices[key] = nil
            state.applications[key.application]?.devices -= 1
        }
        for (name, application) in state.applications {
            if let configured = application.configured, configured.expires <= now { state.applications[name]?.configured = nil }
        }
        return state.devices.count < before
    }
}
