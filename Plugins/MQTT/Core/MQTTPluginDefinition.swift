import TributarySDK

/// The `mqtt` plugin as the SDK describes it: `libtributary-mqtt.so` exports it from its entry
/// file, and tests make instances from it in-process, without the C entry point.
public let mqttPluginDefinition = PluginDefinition(
    name: "mqtt", version: "1.0.0", description: "Drogue's MQTT device endpoint (3.1.1 and 5.0) and MQTT integration.",
    kind: .adapter, make: { host, config throws(PluginError) in try MQTTAdapter(host: host, config: config) })
