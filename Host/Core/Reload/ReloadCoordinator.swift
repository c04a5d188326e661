import Dispatch
import Foundation
import Synchronization

/// Collects reload requests from every trigger (SIGHUP, the drop-in watcher, `POST /reload`) and
/// hands them to the control thread, which runs one reload for all requests pending at once.
/// It remembers the last result for `/healthz`.
public final class ReloadCoordinator: Sendable {
    private final class Waiter: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var result: ReloadResult?
    }

    private struct State {
        var reasons: [String] = []
        var waiters: [Waiter] = []
        var last: ReloadResult?
    }

    private let state = Mutex(State())

    public init() {}

    /// Asks for a reload; returns at once.
    public func request(_ reason: String) {
        state.withLock { $0.reasons.append(reason) }
    }

    /// Asks for a reload and waits for its result (nil after `timeout` seconds).
    public func requestAndWait(_ reason: String, timeout: Double) -> ReloadResult? {
        let waiter = Waiter()
        state.withLock {
            $0.reasons.append(reason)
            $0.waiters.append(waiter)
        }
        guard waiter.done.wait(timeout: .now() + timeout) == .success else { return nil }
        return waiter.result
    }

    /// On the control thread: runs `reload` once if anything is pending, and answers every waiter.
    public func runPending(_ reload: (_ reasons: [String]) -> ReloadResult) {
        let (reasons, waiters) = state.withLock { state in
            defer {
                state.reasons.removeAll()
                state.waiters.removeAll()
            }
            return (state.reasons, state.waiters)
        }
        guard !reasons.isEmpty else { return }
        let result = reload(reasons)
        state.withLock { $0.last = result }
        for waiter in waiters {
            waiter.result = result
            waiter.done.signal()
        }
    }

    /// The last reload's result, if any.
    public var last: ReloadResult? { state.withLock { $0.last } }
}
