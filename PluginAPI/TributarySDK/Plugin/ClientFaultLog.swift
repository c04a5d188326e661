import Synchronization

/// Lines about what clients did wrong (failed logins, protocol violations, bounds hit), so an
/// operator can see an attack, without letting the attacker flood the log: at most `perSecond`
/// lines a second per instance; the next line printed says how many were left out. Messages name
/// the peer and the reason, never a secret.
public final class ClientFaultLog: Sendable {
    private struct Window {
        var second: Int64 = 0
        var printed = 0
        var suppressed = 0
    }

    private let host: PluginHost
    private let perSecond: Int
    private let window = Mutex(Window())

    public init(host: PluginHost, perSecond: Int = 10) {
        self.host = host
        self.perSecond = perSecond
    }

    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard host.isLogEnabled(level) else { return }
        let second = SystemClock.monotonicNanoseconds() / 1_000_000_000
        let suppressed: Int? = window.withLock { window in
            if window.second != second {
                window.second = second
                window.printed = 0
            }
            guard window.printed < perSecond else {
                window.suppressed += 1
                return nil
            }
            window.printed += 1
            defer { window.suppressed = 0 }
            return window.suppressed
        }
        guard let suppressed else { return }
        host.log(level, suppressed > 0 ? "\(message()) (\(suppressed) more left out by the rate limit)" : message())
    }
}
