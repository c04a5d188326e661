// swift-tools-version: 6.0
import PackageDescription

// Swift plugins keep only their entry symbol public and are marked NODELETE, so the host can
// load several copies side by side and never unmaps a Swift image (DESIGN section 3).
let pluginLinkerFlags: [LinkerSetting] = [
    .unsafeFlags([
        "-Xlinker", "-z", "-Xlinker", "nodelete",
        "-Xlinker", "--version-script=PluginAPI/plugin.exports",
    ])
]

let package = Package(
    name: "Tributary",
    products: [
        .executable(name: "tributary", targets: ["tributary"]),
        // For third-party Swift plugins: the header module and the SDK (linked into the plugin).
        .library(name: "TributarySDK", targets: ["TributarySDK", "CTributary"]),
        .library(name: "tributary-fixture-swift-sink", type: .dynamic, targets: ["FixtureSwiftSink"]),
    ],
    targets: [
        // The ABI: one pure C header.
        .target(name: "CTributary", path: "PluginAPI/CTributary"),
        // What Swift cannot import from Linux and the toolchain, as real C functions.
        .target(name: "CTributaryLinux", path: "PluginAPI/CTributaryLinux"),
        // The Swift SDK: export glue, host-table wrappers, CloudEvent model and codecs.
        .target(
            name: "TributarySDK",
            dependencies: ["CTributary", "CTributaryLinux"],
            path: "PluginAPI/TributarySDK"
        ),
        // The host's logic, as a library so tests drive it in-process.
        .target(
            name: "TributaryHost",
            dependencies: ["TributarySDK", "CTributary", "CTributaryLinux"],
            path: "Host/Core"
        ),
        .executableTarget(name: "tributary", dependencies: ["TributaryHost"], path: "Host/CLI"),

        // A Swift sink built with the SDK, used by host tests (reload, Swift images).
        .target(
            name: "FixtureSwiftSink",
            dependencies: ["TributarySDK", "CTributary"],
            path: "Tests/Fixtures/SwiftSink",
            linkerSettings: pluginLinkerFlags
        ),

        .testTarget(name: "TributarySDKTests", dependencies: ["TributarySDK"], path: "Tests/TributarySDKTests"),
        .testTarget(
            name: "TributaryHostTests",
            dependencies: ["TributaryHost", "TributarySDK", "CTributary"],
            path: "Tests/TributaryHostTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
