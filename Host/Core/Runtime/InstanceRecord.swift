import CTributary
import Synchronization

/// The host's record of one plugin instance: what `trib_type_instance_host_ptr` points to.
///
/// It is created before `on_instance_new` and kept alive for the whole process (a few hundred
/// bytes per instance ever created), so a plugin that misbehaves after destroy finds a record
/// that refuses its calls instead of freed memory.
final class InstanceRecord: @unchecked Sendable {
    let name: String
    let kind: PluginKind
    let services: HostServices
    let metrics: InstanceMetrics
    /// Every call the host makes into this instance from a thread that may race with its
    /// destruction passes here; destroy closes it (see ``RunningInstance/destroy()``).
    let gate = CallGate()
    /// Set on the control thread before `on_instance_start`, so before any traffic reads them.
    nonisolated(unsafe) var sink: SinkSlot?
    nonisolated(unsafe) var authenticator: AuthenticatorSlot?
    /// The instance's configuration, only during `on_instance_new` (for `trib_host_config_get`).
    nonisolated(unsafe) var configLookup: [String: UnsafePointer<trib_type_config_item>] = [:]
    private let subscriptions = Mutex<Set<UInt64>>([])
    private let pluginMetrics = Mutex<[UInt64: Counter]>([:])

    init(name: String, kind: PluginKind, services: HostServices) {
        self.name = name
        self.kind = kind
        self.services = services
        metrics = services.registry.register(instance: name, kind: kind.name)
    }

    var handle: trib_type_instance_host_ptr {
        OpaquePointer(Unmanaged.passUnretained(self).toOpaque())
    }

    static func from(_ handle: trib_type_instance_host_ptr?) -> InstanceRecord? {
        guard let handle else { return nil }
        return Unmanaged<InstanceRecord>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    func addSubscription(_ id: UInt64) {
        subscriptions.withLock { _ = $0.insert(id) }
        metrics.busSubscriptions.add(1)
    }

    func removeSubscription(_ id: UInt64) -> Bool {
        guard subscriptions.withLock({ $0.remove(id) != nil }) else { return false }
        metrics.busSubscriptions.add(-1)
        return true
    }

    func ownsSubscription(_ id: UInt64) -> Bool { subscriptions.withLock { $0.contains(id) } }

    /// Cancels every subscription and command route the instance still holds and waits (a few
    /// seconds at most) until each `release` has run, so nothing of the instance is called after
    /// its destroy hook.
    func releaseBusResources() {
        let ids = subscriptions.withLock { ids in
            defer { ids.removeAll() }
            return ids
        }
        metrics.busSubscriptions.add(-Int64(ids.count))
        let cancelled = ids.compactMap { services.bus.remove(id: $0) }
        for subscription in cancelled { subscription.cancel() }
        let routes = services.commands.removeAll(owner: ObjectIdentifier(self))
        let deadline = monotonicNanoseconds() + 5_000_000_000
        let stuck = cancelled.filter { !$0.waitUntilReleased(deadlineNanoseconds: deadline) }.count
            + routes.filter { !$0.waitUntilReleased(deadlineNanoseconds: deadline) }.count
        if stuck > 0 {
            Logger.error(name, "\(stuck) subscription or command handlers still running after 5 s; destroying anyway")
        }
    }

    func registerMetric(name: String, help: String, isCounter: Bool) -> UInt64 {
        let cell = services.registry.pluginMetric(instance: self.name, name: name, help: help, isCounter: isCounter)
        return pluginMetrics.withLock { metrics in
            if let existing = metrics.first(where: { $0.value === cell }) { return existing.key }
            let id = UInt64(metrics.count + 1)
            metrics[id] = cell
            return id
        }
    }

    func metric(_ id: UInt64) -> Counter? { pluginMetrics.withLock { $0[id] } }
}
