import Synchronization

/// Whether the host serves (`/readyz`): false while starting and once stopping begins.
public final class ReadinessFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { flag.load(ordering: .acquiring) }

    public func set(_ ready: Bool) { flag.store(ready, ordering: .releasing) }
}
