import TributarySDK

/// The plugin's own counters on /metrics (tributary_plugin_http_*).
struct HTTPMetrics: Sendable {
    let accepted: Metric?
    let unauthenticated: Metric?
    let busy: Metric?
    let commandsSent: Metric?
    let commandsWithoutRoute: Metric?
    let websocketConsumers: Metric?
    let websocketExpired: Metric?

    init(host: PluginHost) {
        accepted = host.registerMetric(.counter, name: "http_events_accepted_total", help: "Device posts acknowledged (202/200).")
        unauthenticated = host.registerMetric(.counter, name: "http_auth_failures_total", help: "Requests refused with 401 or 403.")
        busy = host.registerMetric(.counter, name: "http_busy_total", help: "Device posts answered 503 because a sink was busy.")
        commandsSent = host.registerMetric(.counter, name: "http_commands_sent_total", help: "Commands a live route took (202).")
        commandsWithoutRoute = host.registerMetric(.counter, name: "http_commands_no_route_total", help: "Commands no live route took (503).")
        websocketConsumers = host.registerMetric(.gauge, name: "http_websocket_consumers", help: "Open WebSocket consumers.")
        websocketExpired = host.registerMetric(.counter, name: "http_websocket_expired_total", help: "WebSocket consumers closed because their token expired.")
    }
}
