import TributarySDK

/// The `ttn` plugin as the SDK describes it: `libtributary-ttn.so` exports it from its entry
/// file, and tests make instances from it in-process. It needs ABI 1.2: registry properties
/// choose each device's payload and downlink API, and command senders wait for the network
/// server's answer.
public let ttnPluginDefinition = PluginDefinition(
    name: "ttn", version: "1.0.0",
    description: "The Things Network / The Things Stack uplink webhooks (v2, v3) and downlinks.",
    kind: .adapter, abiMinor: 2, make: { host, config throws(PluginError) in try TTNAdapter(host: host, config: config) })
