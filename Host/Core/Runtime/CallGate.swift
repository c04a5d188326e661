import Glibc
import Synchronization

/// Calls into one plugin instance from threads that race with its destruction (a completion
/// arriving late, a request walking an old authenticator chain): each call enters the gate or is
/// turned away, and destroy closes the gate and waits for the calls inside, so nothing of the
/// instance runs once its destroy hook has begun.
final class CallGate: Sendable {
    private let state = Mutex<(open: Bool, inside: Int)>((true, 0))

    /// True when the call may go ahead; it must then `leave()`.
    func enter() -> Bool {
        state.withLock { state in
            guard state.open else { return false }
            state.inside += 1
            return true
        }
    }

    func leave() { state.withLock { $0.inside -= 1 } }

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
        state.withLock { $0.open = false }
        while state.withLock({ $0.inside }) > 0 {
            guard monotonicNanoseconds() < deadlineNanoseconds else { return false }
            usleep(200)
        }
        return true
    }
}
