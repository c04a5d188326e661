import Synchronization

/// What an instance does when the operator sends SIGHUP (ABI 1.4's on_instance_refresh): each
/// part that reads files (a TLS listener's certificate, a client's CA bundle, a registry file)
/// registers how it reads them again. The SDK runs them on the control thread, in registration
/// order; a 1.3 host never asks, and its instances rely on their file watches alone.
extension PluginHost {
    /// Keeps a registered handler; give it back to `removeRefreshHandler(_:)` when the part stops.
    public struct RefreshHandler: Sendable, Hashable {
        fileprivate let instance: UInt
        fileprivate let id: UInt64
    }

    /// Registers `handler` to run on SIGHUP. It must not block for long: it delays the host's
    /// next reload and its shutdown.
    public func onRefresh(_ handler: @escaping @Sendable () -> Void) -> RefreshHandler {
        refreshHandlers.withLock { state in
            state.nextID += 1
            let key = UInt(bitPattern: instance)
            state.handlers[key, default: []].append((state.nextID, handler))
            return RefreshHandler(instance: key, id: state.nextID)
        }
    }

    public func removeRefreshHandler(_ registration: RefreshHandler) {
        refreshHandlers.withLock { state in
            state.handlers[registration.instance]?.removeAll { $0.id == registration.id }
            if state.handlers[registration.instance]?.isEmpty == true { state.handlers[registration.instance] = nil }
        }
    }

    /// Runs this instance's handlers, outside the lock so a handler may register or remove one.
    func refresh() {
        let handlers = refreshHandlers.withLock { $0.handlers[UInt(bitPattern: instance)] ?? [] }
        for (_, handler) in handlers { handler() }
    }

    /// Drops whatever the destroyed instance's parts left registered.
    func forgetRefreshHandlers() {
        refreshHandlers.withLock { _ = $0.handlers.removeValue(forKey: UInt(bitPattern: instance)) }
    }
}

private struct RefreshHandlers {
    var nextID: UInt64 = 0
    var handlers: [UInt: [(id: UInt64, run: @Sendable () -> Void)]] = [:]
}

private let refreshHandlers = Mutex(RefreshHandlers())
