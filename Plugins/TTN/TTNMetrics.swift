import TributarySDK

/// The plugin's own counters on /metrics (tributary_plugin_ttn_*).
struct TTNMetrics: Sendable {
    let uplinksAccepted: Metric?
    let notificationsAccepted: Metric?
    let messagesIgnored: Metric?
    let invalidWebhooks: Metric?
    let unauthenticated: Metric?
    let downlinksAccepted: Metric?
    let downlinksFailed: Metric?
    let downlinkTargets: Metric?

    init(host: PluginHost) {
        uplinksAccepted = host.registerMetric(.counter, name: "ttn_uplinks_accepted_total", help: "Uplinks published and acknowledged (202).")
        notificationsAccepted = host.registerMetric(.counter, name: "ttn_notifications_accepted_total",
                                                    help: "Joins, downlink outcomes and locations published on their own channel.")
        messagesIgnored = host.registerMetric(.counter, name: "ttn_messages_ignored_total", help: "v3 messages of an unknown type, acknowledged and not published.")
        invalidWebhooks = host.registerMetric(.counter, name: "ttn_invalid_webhooks_total", help: "Webhooks refused with 400.")
        unauthenticated = host.registerMetric(.counter, name: "ttn_auth_failures_total", help: "Webhooks refused with 401 or 403.")
        downlinksAccepted = host.registerMetric(.counter, name: "ttn_downlinks_accepted_total", help: "Downlinks the network server took (2xx).")
        downlinksFailed = host.registerMetric(.counter, name: "ttn_downlinks_failed_total", help: "Downlinks refused, failed or unanswered.")
        downlinkTargets = host.registerMetric(.gauge, name: "ttn_downlink_targets", help: "End devices with an announced downlink target.")
    }
}
