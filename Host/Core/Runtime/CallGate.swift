import Glibc
import Synchronization

/// Calls into one plugin instance from threads that race with its destruction (a completion
/// arriving late, a request walking an old authenticator chain): each call enters the gate or is
/// turned away, and destroy closes the gate and waits for the calls inside, so nothing of the
/// instance runs once its destroy hook has begun.
///
/// Two atomics, no lock: every published event passes a gate or two, so it costs two atomic
/// additions. A call counts itself in before it looks at `closed`, and `close` sets `closed`
/// before it counts the calls inside (both sequentially consistent): either the call sees the
/// gate closed, or `close` sees the call and waits for it.
final class CallGate: Sendable {
    private let closed = Atomic<Bool>(false)
    private let inside = Atomic<Int>(0)

    /// True when the call may go ahead; it must then `leave()`.
    func enter() -> Bool {
        inside.add(1, ordering: .sequentiallyConsistent)
        guard !closed.load(ordering: .sequentiallyConsistent) else {
            inside.subtract(1, ordering: .sequentiallyConsistent)
            return false
        }
        return true
    }

    func leave() { inside.subtract(1, ordering: .sequentiallyConsistent) }

    /// Runs `call` if the gate is open; false when it was turned away.
    @discardableResult
    func pass(_ call: () -> Void) -> Bool {
        guard enter() else { return false }
        defer { leave() }
        call()
        return true
    }

    /// Turns every later call away and waits until the calls inside have left; false when some
    /// were still inside at the deadline.
    @discardableResult
    func close(deadlineNanoseconds: Int64) -> Bool {
        closed.store(true, ordering: .sequentiallyConsistent)
        while inside.load(ordering: .sequentiallyConsistent) > 0 {
            guard monotonicNanoseconds() < deadlineNanoseconds else { return false }
            usleep(200)
        }
        return true
    }
}
