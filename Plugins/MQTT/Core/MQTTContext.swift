import TributarySDK

/// What every session of one `mqtt` instance shares.
struct MQTTContext: Sendable {
    let host: PluginHost
    let configuration: MQTTConfiguration
    let devices: DeviceDirectory
    let metrics: MQTTMetrics
    let throttle: AuthenticationThrottle
}
