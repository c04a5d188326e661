import CTributary

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
