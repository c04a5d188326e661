import TributarySDK

/// The `http` plugin as the SDK describes it: `libtributary-http.so` exports it from its entry
/// file, and tests make instances from it in-process, without the C entry point.
public let httpPluginDefinition = PluginDefinition(
    name: "http", version: "1.0.0",
    description: "Drogue's HTTP device API, command API and WebSocket integration.",
    kind: .adapter, make: { host, config throws(PluginError) in try HTTPAdapter(host: host, config: config) })
