import Synchronization

/// The devices a gateway session was allowed (or refused) to act for, as the authenticators
/// answered during the session. Written on the session's loop, read by command handlers on
/// senders' threads, so behind a lock.
final class GatewayPermissions: Sendable {
    private let allowed = Mutex<[String: Bool]>([:])

    subscript(device: String) -> Bool? { allowed.withLock { $0[device] } }

    func set(_ device: String, _ value: Bool) { allowed.withLock { $0[device] = value } }
}
