/// The bound on what one sink holds (`max_in_flight` in its hooks): at most `limit` deliveries
/// pending in the plugin, and at most `limit × maxBatch` events waiting behind them, taken in
/// publish order, up to `maxBatch` per delivery, whenever a delivery slot frees.
///
/// A value under the sink's lock; every decision it returns is acted on outside that lock, so no
/// plugin hook runs while it is held.
struct DeliveryWindow {
    /// What `admit` decided for one event.
    enum Admission {
        /// A slot was reserved: deliver it now.
        case send
        /// It waits for a slot.
        case queued
        /// Window and queue are full: the publisher gets TRIB_BUSY.
        case full
        /// The sink is draining: hand it over.
        case closed
    }

    struct Waiting {
        let operation: PublishOperation
        let attempt: Int
    }

    let limit: Int
    let maxBatch: Int
    private(set) var inFlight = 0
    private(set) var isOpen = true
    /// Bounded by `limit × maxBatch` (handed-over events aside), so taking a batch from the
    /// front by moving the rest is cheap.
    private var waiting: [Waiting] = []

    init(limit: Int, maxBatch: Int) {
        self.limit = limit
        self.maxBatch = maxBatch
    }

    var waitingCount: Int { waiting.count }

    /// `force` admits past the queue bound: events handed over by a draining predecessor were
    /// already accepted once, and refusing them now would fail a device that was never told busy.
    mutating func admit(_ operation: PublishOperation, attempt: Int, force: Bool) -> Admission {
        guard isOpen else { return .closed }
        if inFlight < limit && waitingCount == 0 {
            inFlight += 1
            return .send
        }
        guard force || waitingCount < limit * maxBatch else { return .full }
        waiting.append(Waiting(operation: operation, attempt: attempt))
        return .queued
    }

    /// A delivery finished: frees its slot, or reuses it at once for the next batch of waiting
    /// events (returned, with the highest attempt count among them).
    mutating func release() -> (operations: [PublishOperation], attempt: Int)? {
        guard waitingCount > 0 else {
            inFlight -= 1
            return nil
        }
        let taken = waiting.prefix(maxBatch)
        let next = (taken.map(\.operation), taken.map(\.attempt).max() ?? 0)
        waiting.removeFirst(taken.count)
        return next
    }

    /// Draining: nothing more is admitted, and what waits is returned to be handed over.
    mutating func close() -> [Waiting] {
        isOpen = false
        defer { waiting.removeAll() }
        return waiting
    }
}
