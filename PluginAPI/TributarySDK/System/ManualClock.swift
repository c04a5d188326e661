import Synchronization

/// A clock that moves only when told (`advance`), for tests of timeouts. Any thread may read or
/// advance it. An event loop running on it fires the timers that fall due in the loop pass after
/// the clock moved: advance it inside a task on that loop, and the next task runs after them.
public final class ManualClock: MonotonicClock {
    private let current: Atomic<Int64>

    public init(nanoseconds: Int64 = 0) {
        current = Atomic(nanoseconds)
    }

    public func nanoseconds() -> Int64 { current.load(ordering: .acquiring) }

    public func advance(byMilliseconds milliseconds: Int64) {
        current.add(milliseconds * 1_000_000, ordering: .acquiringAndReleasing)
    }
}
