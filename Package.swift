// swift-tools-version: 6.0
import PackageDescription

// Swift plugins keep only their entry symbol public and are marked NODELETE, so the host can
// load several copies side by side and never unmaps a Swift image (unloading one crashes the
// Swift runtime later).
let pluginLinkerFlags: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "-z", "-Xlinker", "nodelete",
        "-Xlinker", "--version-script=PluginAPI/plugin.exports",
    ])
]

/// A shipped plugin: its logic as the library target `<module>Core` in `core` (which tests link),
/// and the dynamic library `libtributary-<name>.so` of one file, `<entry>/PluginEntry.swift`,
/// exporting the core's definition. An entry folder inside the core's is excluded from the core.
func plugin(_ name: String, module: String, core: String, entry: String, dependencies: [Target.Dependency]) -> (Product, [Target]) {
    let coreExcludes = entry.hasPrefix(core + "/") ? [String(entry.dropFirst(core.count + 1))] : []
    return (.library(name: "tributary-\(name)", type: .dynamic, targets: ["\(module)Plugin"]),
            [.target(name: "\(module)Core", dependencies: dependencies, path: core, exclude: coreExcludes),
             .target(name: "\(module)Plugin", dependencies: [.target(name: "\(module)Core"), "TributarySDK", "CTributary"],
                     path: entry, linkerSettings: pluginLinkerFlags)])
}

let shipped: [(Product, [Target])] = [
    plugin("http", module: "HTTP", core: "Plugins/HTTP", entry: "Plugins/HTTP/Entry",
           dependencies: ["TributarySDK", "TributaryNet", "CTributary"]),
    plugin("mqtt", module: "MQTT", core: "Plugins/MQTT/Core", entry: "Plugins/MQTT/Entry",
           dependencies: ["TributarySDK", "TributaryNet", "MQTTCodec", "CTributary"]),
    plugin("coap", module: "CoAP", core: "Plugins/CoAP/Core", entry: "Plugins/CoAP/Entry",
           dependencies: ["TributarySDK", "TributaryNet", "CoAPCodec", "CTributary"]),
    plugin("ttn", module: "TTN", core: "Plugins/TTN", entry: "Plugins/TTN/Entry",
           dependencies: ["TributarySDK", "TributaryNet", "CTributary"]),
    plugin("oidc-jwt", module: "OIDCJWT", core: "Plugins/OIDCJWT", entry: "Plugins/OIDCJWT/Entry",
           dependencies: ["TributarySDK", "TributaryNet", "TributaryCrypto", "COpenSSL", "CTributary"]),
    plugin("kafka", module: "Kafka", core: "Plugins/Kafka/Core", entry: "Plugins/Kafka/Entry",
           dependencies: ["TributarySDK", "TributaryCrypto", "CRdKafka", "COpenSSL", "CTributary"]),
    plugin("registry-file", module: "RegistryFile", core: "Plugins/RegistryFile", entry: "Plugins/RegistryFile/Entry",
           dependencies: ["TributarySDK", "TributaryCrypto", "CTributary", "CCrypt"]),
    plugin("webhook-push", module: "WebhookPush", core: "Plugins/WebhookPush", entry: "Plugins/WebhookPush/Entry",
           dependencies: ["TributarySDK", "TributaryNet", "TributaryCrypto", "CTributary"]),
]

let package = Package(
    name: "Tributary",
    products: [
        .executable(name: "tributary", targets: ["tributary"]),
        // For third-party Swift plugins: the header module and the SDK (linked into the plugin).
        .library(name: "TributarySDK", targets: ["TributarySDK", "CTributary"]),
        .library(name: "TributaryCrypto", targets: ["TributaryCrypto"]),
        .library(name: "TributaryNet", targets: ["TributaryNet"]),
    ] + shipped.map(\.0),
    targets: [
        // The ABI: one pure C header.
        .target(name: "CTributary", path: "PluginAPI/CTributary"),
        // What Swift cannot import from Linux and the toolchain, as real C functions.
        .target(name: "CTributaryLinux", path: "PluginAPI/CTributaryLinux"),
        // Debian's C libraries, and OpenSSL's macros as functions.
        .systemLibrary(name: "COpenSSL", path: "PluginAPI/COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // librdkafka, linked by the kafka plugin alone.
        .systemLibrary(name: "CRdKafka", path: "Plugins/Kafka/CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CCrypt", path: "PluginAPI/CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .target(name: "CTributarySSL", dependencies: ["COpenSSL"], path: "PluginAPI/CTributarySSL"),
        // The Swift SDK, in layers: the core every plugin (and the host) uses; cryptography over
        // OpenSSL; the networking runtime. The host links the core, and the cryptography for the
        // hashes `tributary registry` stores.
        .target(name: "TributarySDK", dependencies: ["CTributary", "CTributaryLinux"], path: "PluginAPI/TributarySDK"),
        .target(name: "TributaryCrypto", dependencies: ["COpenSSL", "CTributarySSL"], path: "PluginAPI/TributaryCrypto"),
        // The byte codecs, apart from any I/O (no sockets, no OpenSSL): the incremental-decoding
        // discipline they share, HTTP/1.1 and WebSocket. Fuzzers and the host link them alone.
        .target(name: "IncrementalDecoding", path: "PluginAPI/IncrementalDecoding"),
        .target(name: "HTTP1Codec", dependencies: ["IncrementalDecoding", "TributarySDK"], path: "PluginAPI/HTTP1Codec"),
        .target(name: "WebSocketCodec", dependencies: ["IncrementalDecoding", "TributarySDK"], path: "PluginAPI/WebSocketCodec"),
        .target(
            name: "TributaryNet",
            dependencies: ["TributarySDK", "TributaryCrypto", "HTTP1Codec", "WebSocketCodec", "CTributaryLinux", "COpenSSL", "CTributarySSL"],
            path: "PluginAPI/TributaryNet"
        ),
        // The host's logic, as a library so tests drive it in-process. Of the protocol code it
        // links only the HTTP/1.1 codec, for the admin endpoint.
        .target(
            name: "TributaryHost",
            dependencies: ["TributarySDK", "TributaryCrypto", "HTTP1Codec", "CTributary", "CTributaryLinux", "CCrypt"],
            path: "Host/Core"
        ),
        .executableTarget(name: "tributary", dependencies: ["TributaryHost"], path: "Host/CLI"),

        // The MQTT codec, its own target so the mqtt plugin and the fuzzer share it.
        .target(name: "MQTTCodec", dependencies: ["TributarySDK"], path: "Plugins/MQTT/Codec"),
        // The CoAP codec (RFC 7252 messages, RFC 7959 blocks): datagrams in, messages out.
        .target(name: "CoAPCodec", dependencies: ["TributarySDK"], path: "Plugins/CoAP/Codec"),

        .testTarget(name: "TributarySDKTests", dependencies: ["TributarySDK"], path: "Tests/TributarySDKTests"),
        .testTarget(name: "MQTTCodecTests", dependencies: ["MQTTCodec"], path: "Tests/MQTTCodecTests"),
        // With libcoap's coap-client as the peer, beside the byte-level tests.
        .testTarget(name: "CoAPCodecTests", dependencies: ["CoAPCodec", "TestSupport"], path: "Tests/CoAPCodecTests"),
        .testTarget(name: "TributaryCryptoTests", dependencies: ["TributaryCrypto", "TestSupport"], path: "Tests/TributaryCryptoTests"),
        // The HTTP/1.1 and WebSocket codecs alone, without sockets: bytes in, messages out.
        .testTarget(name: "CodecTests", dependencies: ["HTTP1Codec", "WebSocketCodec"], path: "Tests/CodecTests"),
        .testTarget(name: "TributaryNetTests", dependencies: ["TributaryNet", "TributarySDK", "TributaryCrypto", "TestSupport"], path: "Tests/TributaryNetTests"),
        // Test helpers: certificates from the openssl CLI, libcrypt hashes, a recording host table.
        .target(name: "TestSupport", dependencies: ["CTributary", "CCrypt"], path: "Tests/Support/TestSupport"),
        .testTarget(name: "HTTPPluginTests", dependencies: ["TestSupport"], path: "Tests/HTTPPluginTests"),
        // The coap plugin end to end: coap-client-notls and crafted datagrams (python3).
        .testTarget(name: "CoAPPluginTests", dependencies: ["TestSupport", "CoAPCodec", "CoAPCore"], path: "Tests/CoAPPluginTests"),
        // Protocol sessions without sockets: the mqtt plugin's device sessions and the HTTP/1.1
        // server over a fake byte stream, on an event loop whose clock the test moves.
        .testTarget(name: "InProcessSessionTests", dependencies: ["MQTTCore", "MQTTCodec", "TributaryNet", "TributarySDK", "CTributary"],
                    path: "Tests/InProcessSessionTests"),
        // The ttn plugin end to end: curl posting webhooks, a python3 stand-in for the network server.
        .testTarget(name: "TTNPluginTests", dependencies: ["TestSupport", "TTNCore", "TributaryNet", "TributarySDK"], path: "Tests/TTNPluginTests", exclude: ["network_server.py"]),
        // oidc-jwt: the RFC vectors and refusals in process; end to end, a real `tributary` against a
        // python3 HTTPS issuer (issuer.py) with tokens from openssl and PyJWT (mint.py).
        .testTarget(name: "OIDCPluginTests", dependencies: ["TestSupport", "OIDCJWTCore", "TributaryNet", "TributarySDK"], path: "Tests/OIDCPluginTests",
                    exclude: ["issuer.py", "mint.py"]),
        // kafka end to end: librdkafka's mock cluster (kafka_mock_cluster.c, built by the tests),
        // read back with kcat and python3-confluent-kafka.
        .testTarget(name: "KafkaPluginTests", dependencies: ["TestSupport", "KafkaCore", "TributarySDK"], path: "Tests/KafkaPluginTests",
                    exclude: ["kafka_mock_cluster.c"]),
        // The mqtt plugin end to end: mosquitto clients, paho and raw MQTT from python3 (Scripts/).
        .testTarget(name: "MQTTPluginTests", dependencies: ["TestSupport"], path: "Tests/MQTTPluginTests", exclude: ["Scripts"]),
        .testTarget(
            name: "RegistryFileTests",
            dependencies: ["RegistryFileCore", "TestSupport", "TributarySDK", "TributaryCrypto", "CTributary"],
            path: "Tests/RegistryFileTests"
        ),
        // Warm-cache and cold-bcrypt authentication rates of the built registry-file library,
        // driven through its C entry point (`make bench`).
        // Bearer-token verifications of the built oidc-jwt library, cache off and on, beside
        // `openssl speed` (`make bench`, Tests/Benchmarks/oidc.sh).
        .executableTarget(name: "oidc-bench", dependencies: ["TestSupport", "CTributary"], path: "Tests/Benchmarks/OIDCBench"),
        .executableTarget(name: "registry-bench", dependencies: ["TestSupport", "TributaryCrypto", "CTributary"], path: "Tests/Benchmarks/RegistryBench"),
        // webhook-push: encoder, queue, retry and spool units, and end-to-end runs of the real
        // binary against a Python CloudEvents receiver that misbehaves on cue.
        .testTarget(
            name: "WebhookPushTests",
            dependencies: ["WebhookPushCore", "TributaryNet", "TributarySDK", "TestSupport"],
            path: "Tests/WebhookPushTests",
            exclude: ["receiver.py"]
        ),
        .testTarget(
            name: "TributaryHostTests",
            dependencies: ["TributaryHost", "TributarySDK", "CTributary", "TestSupport"],
            path: "Tests/TributaryHostTests"
        ),
    ] + shipped.flatMap(\.1),
    swiftLanguageModes: [.v6]
)
