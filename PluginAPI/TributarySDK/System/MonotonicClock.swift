/// Where timers and timeouts read the time. An event loop's timers run on the loop's clock: the
/// system's monotonic clock in service, a `ManualClock` in tests, so a 60-second keep-alive or a
/// request timeout is tested by moving time instead of waiting for it.
public protocol MonotonicClock: Sendable {
    /// Nanoseconds on a scale that never goes back; meaningful only as a difference.
    func nanoseconds() -> Int64
}

/// CLOCK_MONOTONIC.
public struct SystemMonotonicClock: MonotonicClock {
    public init() {}

    public func nanoseconds() -> Int64 { SystemClock.monotonicNanoseconds() }
}
