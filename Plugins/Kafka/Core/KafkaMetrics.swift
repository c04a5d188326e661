import CRdKafka
import TributarySDK

/// The plugin's own series on /metrics (tributary_plugin_kafka_*): what Kafka acknowledged, what
/// failed and why, and librdkafka's statistics (`statistics.interval.ms`).
struct KafkaMetrics: Sendable {
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

    func count(_ error: rd_kafka_resp_err_t) {
        switch error {
        case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT: timedOut.add()
        case RD_KAFKA_RESP_ERR__TRANSPORT: transport.add()
        case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN: allBrokersDown.add()
        default: otherErrors.add()
        }
    }
}
