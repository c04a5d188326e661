import TributarySDK

/// The sink's own metrics, `tributary_plugin_webhook_push_*{instance}` on /metrics. The host adds
/// per-sink deliveries, queue depth and acknowledgement latency for every sink; these say what
/// happened between this sink and the consumer.
struct WebhookMetrics: Sendable {
    let delivered: Metric?
    let requests: Metric?
    let retried: Metric?
    let deadLettered: Metric?
    let queueDepth: Metric?
    let spoolBytes: Metric?
    let latencyMicroseconds: Metric?
    let latencyMaxMicroseconds: Metric?

    init(host: PluginHost) {
        delivered = host.registerMetric(.counter, name: "webhook_push_delivered_total", help: "Events the consumer accepted (2xx).")
        requests = host.registerMetric(.counter, name: "webhook_push_requests_total", help: "HTTP requests that got a response or failed.")
        retried = host.registerMetric(.counter, name: "webhook_push_retried_total",
                                      help: "Events scheduled for another attempt (5xx, 408, 429, timeouts, connection errors).")
        deadLettered = host.registerMetric(.counter, name: "webhook_push_dead_lettered_total",
                                           help: "Events written to the dead-letter file (refused by the consumer, or out of retries).")
        queueDepth = host.registerMetric(.gauge, name: "webhook_push_queue_depth", help: "Events held in memory: queued, in requests, backing off.")
        spoolBytes = host.registerMetric(.gauge, name: "webhook_push_spool_bytes", help: "Bytes of the spool's segment files.")
        latencyMicroseconds = host.registerMetric(.counter, name: "webhook_push_delivery_latency_microseconds_total",
                                                  help: "Sum over delivered events of the time from acceptance to the 2xx; divide by delivered_total.")
        latencyMaxMicroseconds = host.registerMetric(.gauge, name: "webhook_push_delivery_latency_max_microseconds",
                                                     help: "The longest acceptance-to-2xx time of the last second's deliveries.")
    }
}
