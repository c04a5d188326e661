import CTributary
import Glibc
import TributarySDK

/// A sink written with the Swift SDK: appends each event's JSON to `path` and completes at once.
/// Host tests use it to prove a Swift plugin loads, runs and reports its configuration errors.
final class SwiftFileSink: SinkInstance {
    private let host: PluginHost
    private let descriptor: Int32
    private let events: Metric?

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        let path = try config.requiredString("path")
        // Lets tests change the configuration without changing behaviour (a reload replaces it).
        let generation = try config.integer("generation", default: 0, range: 0...Int64.max)
        try config.finish()
        host.log(.debug, "generation \(generation) writing to \(path)")
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw PluginError("cannot open \(path): \(String(cString: strerror(errno)))") }
        events = host.registerMetric(.counter, name: "swift_sink_events_total", help: "Events the Swift fixture sink wrote.")
    }

    func deliver(_ batch: SinkBatch) -> Status {
        var lines: [UInt8] = []
        for index in 0..<batch.count {
            lines += host.json(of: batch[index])
            lines.append(0x0A)
        }
        let written = lines.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        events?.add(Int64(batch.count))
        batch.complete(written == lines.count ? .ok : .retry)
        return .pending
    }

    func stop() { close(descriptor) }
}

@c(trib_plugin_entry) public func tribPluginEntry(hostMajor: UInt32, hostMinor: UInt32, descriptor: PluginExport.DescriptorOut) -> Int32 {
    PluginExport.entry(hostMajor: hostMajor, hostMinor: hostMinor, descriptor: descriptor, definition: PluginDefinition(
        name: "swift-file-sink", version: "1.0.0", description: "Appends events as JSON lines (Swift SDK fixture).",
        kind: .sink(), make: { host, config throws(PluginError) in try SwiftFileSink(host: host, config: config) }))
}
