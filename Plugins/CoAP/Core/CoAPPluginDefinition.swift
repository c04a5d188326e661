import TributarySDK

/// The `coap` plugin as the SDK describes it: `libtributary-coap.so` exports it from its entry
/// file, and tests make instances from it in-process, without the C entry point.
public let coapPluginDefinition = PluginDefinition(
    name: "coap", version: "0.1.0",
    description: "Drogue's CoAP device endpoint (RFC 7252 over UDP, Block1 uploads, commands).",
    kind: .adapter, make: { host, config throws(PluginError) in try CoAPAdapter(host: host, config: config) })
