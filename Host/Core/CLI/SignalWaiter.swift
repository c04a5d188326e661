import Glibc

/// Turns SIGTERM, SIGINT and SIGHUP into values the control thread waits for.
///
/// The signals are blocked before any other thread exists (threads inherit the mask), so none
/// is delivered asynchronously to some plugin's thread; the control thread takes them with
/// sigtimedwait instead. SIGPIPE is ignored: a peer that goes away is a socket error, not death.
public enum SignalWaiter {
    public enum Received: Sendable { case terminate, reload }

    public static func blockSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = handledSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits up to `timeoutMilliseconds`; nil when nothing arrived.
    public static func wait(timeoutMilliseconds: Int) -> Received? {
        var set = handledSet()
        var timeout = timespec(tv_sec: timeoutMilliseconds / 1000, tv_nsec: (timeoutMilliseconds % 1000) * 1_000_000)
        let signal = sigtimedwait(&set, nil, &timeout)
        switch signal {
        case SIGTERM, SIGINT: return .terminate
        case SIGHUP: return .reload
        default: return nil
        }
    }

    private static func handledSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGHUP)
        return set
    }
}
