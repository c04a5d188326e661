import TributarySDK

/// The `registry-file` plugin as the SDK describes it: `libtributary-registry-file.so` exports it from its entry
/// file, and tests make instances from it in-process, without the C entry point.
public let registryFilePluginDefinition = PluginDefinition(
    name: "registry-file", version: "0.1.0",
    description: "Devices, gateways, certificates and API-key users from one JSON file (Drogue's registry model).",
    kind: .authenticator,
    make: { host, config throws(PluginError) in try RegistryFileAuthenticator(host: host, config: config) })
