import Synchronization

/// A lock-free integer cell: a Prometheus counter (only `add`) or gauge (`set`, `add` ±).
public final class Counter: Sendable {
    private let cell = Atomic<Int64>(0)

    public init() {}

    public func add(_ delta: Int64 = 1) { cell.add(delta, ordering: .relaxed) }
    public func set(_ value: Int64) { cell.store(value, ordering: .relaxed) }
    public var value: Int64 { cell.load(ordering: .relaxed) }
}
