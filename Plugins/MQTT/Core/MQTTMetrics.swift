import TributarySDK

/// The plugin's own counters on /metrics (tributary_plugin_mqtt_*).
struct MQTTMetrics: Sendable {
    let deviceConnections: Metric?
    let integrationConnections: Metric?
    let publishesAccepted: Metric?
    let publishesRefused: Metric?
    let connectRefused: Metric?
    let commandsDelivered: Metric?
    let commandRoutes: Metric?
    let eventsDropped: Metric?
    let integrationExpired: Metric?

    init(host: PluginHost) {
        deviceConnections = host.registerMetric(.gauge, name: "mqtt_device_connections", help: "Connected devices.")
        integrationConnections = host.registerMetric(.gauge, name: "mqtt_integration_connections", help: "Connected integration clients.")
        publishesAccepted = host.registerMetric(.counter, name: "mqtt_publishes_accepted_total", help: "Device PUBLISH packets every sink took.")
        publishesRefused = host.registerMetric(.counter, name: "mqtt_publishes_refused_total", help: "Device PUBLISH packets answered with a failure.")
        connectRefused = host.registerMetric(.counter, name: "mqtt_connect_refused_total", help: "CONNECT packets refused.")
        commandsDelivered = host.registerMetric(.counter, name: "mqtt_commands_delivered_total", help: "Commands written to a device.")
        commandRoutes = host.registerMetric(.gauge, name: "mqtt_command_routes", help: "Command routes device subscriptions hold.")
        eventsDropped = host.registerMetric(.counter, name: "mqtt_integration_events_dropped_total", help: "Events over an integration client's Maximum Packet Size, dropped.")
        integrationExpired = host.registerMetric(.counter, name: "mqtt_integration_expired_total", help: "Integration clients disconnected because their token expired.")
    }
}
