import Synchronization

/// Every metric the host exports, rendered as Prometheus text on `/metrics`.
///
/// Instances register once at creation; counters are lock-free cells, so the registry's lock is
/// taken only to register and to render.
public final class MetricsRegistry: Sendable {
    struct PluginMetric {
        let name: String
        let help: String
        let isCounter: Bool
        let instance: String
        let cell: Counter
    }

    private struct State {
        var instances: [(name: String, kind: String, metrics: InstanceMetrics, users: Int)] = []
        var pluginMetrics: [PluginMetric] = []
    }

    private let state = Mutex(State())
    public let unknownCompletions = Counter()
    public let unroutedEvents = Counter()
    /// A gauge: event bytes every pull consumer's queue holds together (see BusBudget).
    public let busQueuedBytes = Counter()
    public let commandsDelivered = Counter()
    public let commandsWithoutRoute = Counter()
    public let authenticationAllowed = Counter()
    public let authenticationRefused = Counter()
    public let authenticationUnavailable = Counter()
    public let reloadsSucceeded = Counter()
    public let reloadsFailed = Counter()
    public let instancesFailed = Counter()
    public let lastReloadSuccessful = Counter()

    public init() {}

    /// The counters of instance `instance`. Generations of one instance (a sink replaced by a
    /// reload, old and new alive together while the old drains) share them, so /metrics never
    /// shows one name twice and counters run on across reloads.
    public func register(instance: String, kind: String) -> InstanceMetrics {
        state.withLock { state in
            if let index = state.instances.firstIndex(where: { $0.name == instance && $0.kind == kind }) {
                state.instances[index].users += 1
                return state.instances[index].metrics
            }
            let metrics = InstanceMetrics()
            state.instances.append((instance, kind, metrics, 1))
            return metrics
        }
    }

    /// Releases one generation's hold; the counters disappear with the last one.
    public func unregister(_ metrics: InstanceMetrics) {
        state.withLock { state in
            guard let index = state.instances.firstIndex(where: { $0.metrics === metrics }) else { return }
            state.instances[index].users -= 1
            if state.instances[index].users == 0 { state.instances.remove(at: index) }
        }
    }

    /// Returns the cell for `tributary_plugin_<name>{instance}`, creating it on first use.
    public func pluginMetric(instance: String, name: String, help: String, isCounter: Bool) -> Counter {
        state.withLock { state in
            if let existing = state.pluginMetrics.first(where: { $0.instance == instance && $0.name == name }) {
                return existing.cell
            }
            let cell = Counter()
            state.pluginMetrics.append(PluginMetric(name: name, help: help, isCounter: isCounter, instance: instance, cell: cell))
            return cell
        }
    }

    public func render() -> String {
        let (instances, plugin) = state.withLock { ($0.instances, $0.pluginMetrics) }
        var out = PrometheusText()
        let adapters = instances.filter { $0.kind == "adapter" }
        let sinks = instances.filter { $0.kind == "sink" }

        out.family("tributary_events_received_total", "counter", "Messages adapters handed to the host.")
        for i in adapters { out.sample("tributary_events_received_total", ["instance": i.name], i.metrics.eventsReceived.value) }
        out.family("tributary_events_accepted_total", "counter", "Messages every matching sink accepted (acknowledged to the device).")
        for i in adapters { out.sample("tributary_events_accepted_total", ["instance": i.name], i.metrics.eventsAccepted.value) }
        out.family("tributary_events_rejected_total", "counter", "Messages refused before routing (invalid JSON, missing fields).")
        for i in adapters { out.sample("tributary_events_rejected_total", ["instance": i.name], i.metrics.eventsRejected.value) }
        out.family("tributary_events_busy_total", "counter", "Messages refused by back-pressure.")
        for i in adapters { out.sample("tributary_events_busy_total", ["instance": i.name], i.metrics.eventsBusy.value) }
        out.family("tributary_events_failed_total", "counter", "Messages that failed in a sink or at shutdown.")
        for i in adapters { out.sample("tributary_events_failed_total", ["instance": i.name], i.metrics.eventsFailed.value) }

        out.family("tributary_sink_deliveries_total", "counter", "Sink deliveries by outcome.")
        for i in sinks {
            let m = i.metrics
            for (outcome, cell) in [("ok", m.deliveredOK), ("retry", m.deliveredRetry), ("busy", m.deliveredBusy),
                                    ("cancelled", m.deliveredCancelled), ("error", m.deliveredError)] {
                out.sample("tributary_sink_deliveries_total", ["instance": i.name, "outcome": outcome], cell.value)
            }
        }
        out.family("tributary_sink_queue_depth", "gauge", "Deliveries a sink holds that it has not completed.")
        for i in sinks { out.sample("tributary_sink_queue_depth", ["instance": i.name], i.metrics.inFlight.value) }
        out.family("tributary_sink_latency_seconds", "histogram", "Time from delivery to completion.")
        for i in sinks { out.histogram("tributary_sink_latency_seconds", ["instance": i.name], i.metrics.latency) }

        let bus: [(name: String, help: String, cells: KeyPath<InstanceMetrics, CounterFamily>)] = [
            ("tributary_bus_events_delivered_total", "Events handed to pull consumers.", \.busDelivered),
            ("tributary_bus_events_dropped_total", "Events a pull consumer lost: its queue was full or its handler refused them.", \.busDropped),
        ]
        for metric in bus {
            out.family(metric.name, "counter", metric.help)
            for i in adapters {
                for s in i.metrics[keyPath: metric.cells].samples {
                    out.sample(metric.name, ["instance": i.name, "application": s.label], s.value)
                }
            }
        }
        out.family("tributary_bus_subscriptions", "gauge", "Subscriptions pull consumers hold on the application-event bus.")
        for i in adapters { out.sample("tributary_bus_subscriptions", ["instance": i.name], i.metrics.busSubscriptions.value) }

        out.single("tributary_bus_queued_bytes", "gauge", "Event bytes waiting in pull consumers' queues, against bus_memory_bytes.", busQueuedBytes.value)
        out.single("tributary_events_unrouted_total", "counter", "Events no sink's filter matched.", unroutedEvents.value)
        out.single("tributary_unknown_completions_total", "counter", "Completions for unknown or retired operations (ignored).", unknownCompletions.value)
        out.family("tributary_commands_total", "counter", "Commands sent, by whether a live route took them.")
        out.sample("tributary_commands_total", ["result": "delivered"], commandsDelivered.value)
        out.sample("tributary_commands_total", ["result": "no_route"], commandsWithoutRoute.value)
        out.family("tributary_authentications_total", "counter", "Authentication and authorization verdicts.")
        out.sample("tributary_authentications_total", ["result": "allowed"], authenticationAllowed.value)
        out.sample("tributary_authentications_total", ["result": "refused"], authenticationRefused.value)
        out.sample("tributary_authentications_total", ["result": "unavailable"], authenticationUnavailable.value)
        out.family("tributary_reloads_total", "counter", "Configuration reloads, by result.")
        out.sample("tributary_reloads_total", ["result": "ok"], reloadsSucceeded.value)
        out.sample("tributary_reloads_total", ["result": "failed"], reloadsFailed.value)
        out.single("tributary_config_last_reload_successful", "gauge", "1 when the last reload applied, 0 when it was refused.", lastReloadSuccessful.value)
        out.single("tributary_instances_failed_total", "counter", "Instances that failed to load, configure or start.", instancesFailed.value)

        for name in Set(plugin.map(\.name)).sorted() {
            let members = plugin.filter { $0.name == name }
            let full = "tributary_plugin_" + name
            out.family(full, members[0].isCounter ? "counter" : "gauge", members[0].help)
            for m in members { out.sample(full, ["instance": m.instance], m.cell.value) }
        }
        return out.text
    }
}
