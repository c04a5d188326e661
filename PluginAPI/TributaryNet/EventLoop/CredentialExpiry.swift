import TributarySDK

/// Ends a live session (a WebSocket consumer, an MQTT integration client) when the credential
/// it was opened with stops being valid: `UserVerdict.expiresAt`, a bearer token's `exp`. The
/// session may present a newer credential before then and re-arm. Loop thread only, like the
/// loop's timers; the checks trap rather than race.
public final class CredentialExpiry: @unchecked Sendable {
    private let loop: EventLoop
    private let wallClockMilliseconds: @Sendable () -> Int64
    private var timer: UInt64?

    /// When the current credential expires, seconds since the Unix epoch; 0: it does not.
    public private(set) var expiresAt: Int64 = 0

    public init(loop: EventLoop, wallClockMilliseconds: @escaping @Sendable () -> Int64 = { SystemClock.wallClockMilliseconds() }) {
        self.loop = loop
        self.wallClockMilliseconds = wallClockMilliseconds
    }

    /// Calls `expired` on the loop once the wall clock reaches `expiresAt` (at once if it has);
    /// replaces any earlier arming. 0 disarms: an API key does not expire.
    public func arm(_ expiresAt: Int64, expired: @escaping () -> Void) {
        cancel()
        self.expiresAt = expiresAt
        guard expiresAt > 0 else { return }
        let delay = max(0, expiresAt * 1000 - wallClockMilliseconds())
        timer = loop.scheduleTimer(afterMilliseconds: delay) { [weak self] in
            self?.timer = nil
            expired()
        }
    }

    /// Disarms; the session is ending.
    public func cancel() {
        guard let timer else { return }
        loop.cancelTimer(timer)
        self.timer = nil
    }
}
