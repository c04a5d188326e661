/// The counters the host keeps for one plugin instance; which of them are used depends on its kind.
public final class InstanceMetrics: Sendable {
    // Adapters: what they publish and how it ends.
    public let eventsReceived = Counter()
    public let eventsAccepted = Counter()
    public let eventsRejected = Counter()
    public let eventsBusy = Counter()
    public let eventsFailed = Counter()
    // Sinks: delivery outcomes, latency and what is in flight.
    public let deliveredOK = Counter()
    public let deliveredRetry = Counter()
    public let deliveredBusy = Counter()
    public let deliveredCancelled = Counter()
    public let deliveredError = Counter()
    public let inFlight = Counter()
    public let latency = Histogram()
    // Pull consumers: what the bus handed them and what they dropped (a full queue, or the
    // handler refused the event), by application.
    public let busDelivered = CounterFamily()
    public let busDropped = CounterFamily()
    /// A gauge: subscriptions registered now, so a test (or an operator) can see that a consumer
    /// is listening before events are published.
    public let busSubscriptions = Counter()

    public init() {}
}
