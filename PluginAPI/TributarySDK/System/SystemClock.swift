import Glibc

/// The two clocks plugins and the host measure with: monotonic for durations and timeouts, the
/// wall clock for the host's drain deadlines (`on_instance_drain` takes wall-clock milliseconds).
public enum SystemClock {
    /// CLOCK_MONOTONIC in nanoseconds: never jumps, meaningful only as a difference.
    public static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// CLOCK_REALTIME in milliseconds since the Unix epoch.
    public static func wallClockMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
