import Synchronization

/// One connection per device (Drogue's rule): the newest connection of a device takes over and
/// the older one is told (v5 DISCONNECT 0x8E, Session Taken Over) and closed.
final class DeviceDirectory: Sendable {
    private struct Key: Hashable {
        let application: String
        let device: String
    }

    private let sessions = Mutex<[Key: DeviceSession]>([:])

    /// Registers `session` for its device and returns the one it replaces.
    func claim(application: String, device: String, for session: DeviceSession) -> DeviceSession? {
        sessions.withLock { sessions in
            let key = Key(application: application, device: device)
            let previous = sessions[key]
            sessions[key] = session
            return previous === session ? nil : previous
        }
    }

    /// Forgets `session` unless a newer one already took its place.
    func release(application: String, device: String, session: DeviceSession) {
        sessions.withLock { sessions in
            let key = Key(application: application, device: device)
            if sessions[key] === session { sessions[key] = nil }
        }
    }
}
