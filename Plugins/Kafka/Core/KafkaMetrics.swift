import CRdKafka
import Synchronization
import TributarySDK

/// The plugin's own series on /metrics (tributary_plugin_kafka_*): what Kafka acknowledged, what
/// failed and why, and librdkafka's statistics (`statistics.interval.ms`).
struct KafkaMetrics: Sendable {
    private let host: PluginHost
    /// `kafka_broker_<id>_up`, registered as brokers appear in the statistics.
    private let brokerGauges = BrokerGauges()
    let delivered: Metric?
    let failed: Metric?
    let busy: Metric?
    let queued: Metric?
    let latencySum: Metric?
    let latencyCount: Metric?
    let brokersUp: Metric?
    let timedOut: Metric?
    let transport: Metric?
    let allBrokersDown: Metric?
    let otherErrors: Metric?

    init(host: PluginHost) {
        self.host = host
        delivered = host.registerMetric(.counter, name: "kafka_records_delivered_total", help: "Records Kafka acknowledged.")
        failed = host.registerMetric(.counter, name: "kafka_records_failed_total", help: "Records Kafka did not take in time (their devices were not acknowledged).")
        busy = host.registerMetric(.counter, name: "kafka_batches_busy_total", help: "Batches refused because librdkafka's queue was full.")
        queued = host.registerMetric(.gauge, name: "kafka_queue_records", help: "Records queued or in flight in librdkafka.")
        latencySum = host.registerMetric(.counter, name: "kafka_delivery_latency_milliseconds_sum", help: "Produce to acknowledgement, summed over batches.")
        latencyCount = host.registerMetric(.counter, name: "kafka_delivery_latency_milliseconds_count", help: "Batches in the latency sum.")
        brokersUp = host.registerMetric(.gauge, name: "kafka_brokers_up", help: "Brokers librdkafka is connected to.")
        timedOut = host.registerMetric(.counter, name: "kafka_errors_timed_out_total", help: "Records failed after message.timeout.ms.")
        transport = host.registerMetric(.counter, name: "kafka_errors_transport_total", help: "Broker connections that failed.")
        allBrokersDown = host.registerMetric(.counter, name: "kafka_errors_all_brokers_down_total", help: "Times no broker was reachable.")
        otherErrors = host.registerMetric(.counter, name: "kafka_errors_other_total", help: "Other client and delivery errors.")
    }

    /// 1 while librdkafka's connection to broker `id` is UP, else 0, one series per broker (the
    /// host's plugin metrics carry no labels, so the node id is in the name).
    func brokerStates(_ states: [(id: Int, up: Bool)]) {
        for (id, up) in states {
            let gauge = brokerGauges.gauges.withLock { gauges in
                if let known = gauges[id] { return known }
                let made = host.registerMetric(.gauge, name: "kafka_broker_\(id)_up", help: "1 while broker \(id) is connected (UP), else 0.")
                gauges[id] = made
                return made
            }
            gauge.set(up ? 1 : 0)
        }
    }

    func count(_ error: rd_kafka_resp_err_t) {
        switch error {
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT: timedOut.add()
        case RD_KAFKA_RESP_ERR__TRANSPORT: transport.add()
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN: allBrokersDown.add()
        default: otherErrors.add()
        }
    }
}

private final class BrokerGauges: Sendable {
    let gauges = Mutex<[Int: Metric?]>([:])
}
