import CTributary
import Glibc
import Synchronization

/// A live route for commands: an adapter's handler for one (application, device), or for every
/// device of an application when `device` is empty. Counts calls in progress so that the
/// plugin's `release` runs only after the route is removed and no call is running.
final class CommandRoute: @unchecked Sendable {
    private struct State {
        var running = 0
        var removed = false
        /// One thread has taken the job of calling `release`.
        var releasing = false
        /// `release` has returned.
        var released = false
    }

    let id: UInt64
    let owner: ObjectIdentifier
    let application: String
    let device: String
    private let handler: trib_type_command_handler_fn
    private let context: UnsafeMutableRawPointer?
    private let release: trib_type_release_fn?
    private let state = Mutex(State())

    init(id: UInt64, owner: ObjectIdentifier, application: String, device: String,
         handler: @escaping trib_type_command_handler_fn, context: UnsafeMutableRawPointer?,
         release: trib_type_release_fn?) {
        self.id = id
        self.owner = owner
        self.application = application
        self.device = device
        self.handler = handler
        self.context = context
        self.release = release
    }

    /// Calls the handler unless the route was removed; returns its status.
    func offer(_ command: UnsafePointer<trib_type_command>) -> Int32 {
        let admitted = state.withLock { state -> Bool in
            guard !state.removed else { return false }
            state.running += 1
            return true
        }
        guard admitted else { return Int32(TRIB_ERR_NOT_FOUND) }
        let status = handler(context, command)
        let releaseNow = state.withLock { state -> Bool in
            state.running -= 1
            return finishIfIdle(&state)
        }
        if releaseNow { callRelease() }
        return status
    }

    func remove() {
        let releaseNow = state.withLock { state -> Bool in
            state.removed = true
            return finishIfIdle(&state)
        }
        if releaseNow { callRelease() }
    }

    /// `released` is set only once `release` has returned, so destroy cannot start while the
    /// plugin is still inside it.
    private func callRelease() {
        release?(context)
        state.withLock { $0.released = true }
    }

    /// Waits until `release` has run (the instance is about to be destroyed); false on timeout.
    func waitUntilReleased(deadlineNanoseconds: Int64) -> Bool {
        while !state.withLock({ $0.released }) {
            guard monotonicNanoseconds() < deadlineNanoseconds else { return false }
            usleep(1_000)
        }
        return true
    }

    private func finishIfIdle(_ state: inout State) -> Bool {
        guard state.removed, state.running == 0, !state.releasing else { return false }
        state.releasing = true
        return true
    }
}
