import CTributary
import Synchronization

/// The host as one Swift plugin instance sees it: the host's callback table and this instance's
/// handle. Every method is safe from any thread (the header's rule), hence `Sendable`.
///
/// Only the callbacks every kind uses live here; kind-specific ones (publishing, completing a
/// delivery or an authentication) live in extensions beside the protocol of that kind.
public struct PluginHost: @unchecked Sendable {
    public let api: UnsafePointer<trib_type_host_api>
    public let instance: trib_type_instance_host_ptr

    public init(api: UnsafePointer<trib_type_host_api>, instance: trib_type_instance_host_ptr) {
        self.api = api
        self.instance = instance
    }

    public func isLogEnabled(_ level: LogLevel) -> Bool {
        api.pointee.log_enabled(instance, level.cValue) != 0
    }

    /// Logs one line tagged with this instance. The message is built only when the level is on.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard isLogEnabled(level) else { return }
        var text = message()
        text.withUTF8 { utf8 in
            api.pointee.log(instance, level.cValue, trib_type_plugin_buffer(UnsafeRawBufferPointer(utf8)))
        }
    }

    /// Declares a metric exported as `tributary_plugin_<name>{instance="..."}`.
    public func registerMetric(_ kind: MetricKind, name: String, help: String) -> Metric? {
        var id: UInt64 = 0
        let status = withPluginBuffers([name, help]) { buffers in
            api.pointee.metric_register(instance, kind.cValue, buffers[0], buffers[1], &id)
        }
        return status == TRIB_OK ? Metric(host: self, id: id) : nil
    }

    /// Tells the host this instance works only in part (`reason` set: one line saying what fails
    /// and what still works) or fully again (nil); `/healthz` shows it. A 1.2 host has no such
    /// report, and the call does nothing there.
    public func reportHealth(degradedBecause reason: String?) {
        let end = MemoryLayout<trib_type_host_api>.offset(of: \.report_health)! + MemoryLayout<UnsafeRawPointer>.size
        guard Int(api.pointee.struct_size) >= end, let report = api.pointee.report_health else { return }
        var text = reason ?? ""
        text.withUTF8 { utf8 in
            report(instance, reason == nil ? 0 : 1, trib_type_plugin_buffer(UnsafeRawBufferPointer(utf8)))
        }
    }

    /// `reportHealth(degradedBecause:)` for one part of the instance (its provider, its TLS
    /// listeners, its TLS client): the host gets every degraded part's reason, sorted by part and
    /// joined, so one part's recovery does not hide another's failure.
    public func reportHealth(_ part: String, degradedBecause reason: String?) {
        instanceHealthParts.withLock { all in
            let key = UInt(bitPattern: instance)
            var parts = all[key] ?? [:]
            parts[part] = reason
            all[key] = parts.isEmpty ? nil : parts
            // Reported under the lock, so two parts changing at once reach the host in order.
            reportHealth(degradedBecause: parts.isEmpty ? nil : parts.sorted { $0.key < $1.key }.map(\.value).joined(separator: "; "))
        }
    }

    /// The structured-mode CloudEvent JSON of an event, rendered by the host.
    public func json(of event: UnsafePointer<trib_type_event>) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 1024)
        var needed = output.withUnsafeMutableBufferPointer { api.pointee.event_to_json(event, $0.baseAddress, $0.count) }
        if needed > output.count {
            output = [UInt8](repeating: 0, count: needed)
            needed = output.withUnsafeMutableBufferPointer { api.pointee.event_to_json(event, $0.baseAddress, $0.count) }
        }
        output.removeSubrange(needed...)
        return output
    }
}

/// Each instance's degraded parts and their reasons, by the instance's host handle.
private let instanceHealthParts = Mutex<[UInt: [String: String]]>([:])
