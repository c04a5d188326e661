import CRdKafka
import Synchronization
import TributarySDK

/// The sink's view of Kafka for the log and `/healthz`: one log line per cause and change of
/// state (an outage when it starts and when it ends, not once per record it fails), and
/// degraded while no broker is reachable.
final class KafkaHealth: Sendable {
    private struct State {
        /// The error whose line was logged last; nil while Kafka takes records.
        var lastError: rd_kafka_resp_err_t?
        var degraded = false
    }

    private let host: PluginHost
    private let state = Mutex(State())

    init(host: PluginHost) { self.host = host }

    func failed(_ error: rd_kafka_resp_err_t, _ reason: String) {
        let (log, degrade) = state.withLock { state -> (Bool, Bool) in
            let log = state.lastError != error
            state.lastError = error
            let degrade = error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN && !state.degraded
            if degrade { state.degraded = true }
            return (log, degrade)
        }
        if log { host.log(.warn, "Kafka: \(reason) (\(String(cString: rd_kafka_err2name(error))))") }
        if degrade { host.reportHealth("brokers", degradedBecause: "no Kafka broker is reachable; records wait in librdkafka's queue until message.timeout.ms") }
    }

    /// A record was acknowledged, or the statistics show a broker up.
    func recovered() {
        let (wasFailing, wasDegraded) = state.withLock { state -> (Bool, Bool) in
            defer { state = State() }
            return (state.lastError != nil, state.degraded)
        }
        if wasFailing { host.log(.info, "Kafka: records are acknowledged again") }
        if wasDegraded { host.reportHealth("brokers", degradedBecause: nil) }
    }
}
