import CTributary

/// One created plugin instance: its configuration, library, host record and the plugin's pointer.
final class RunningInstance: @unchecked Sendable {
    let config: InstanceConfig
    let library: PluginLibrary
    let record: InstanceRecord
    let plugin: trib_type_instance_plugin_ptr

    init(config: InstanceConfig, library: PluginLibrary, record: InstanceRecord, plugin: trib_type_instance_plugin_ptr) {
        self.config = config
        self.library = library
        self.record = record
        self.plugin = plugin
    }

    var kind: PluginKind { library.kind }
    var descriptor: trib_type_plugin_descriptor { library.descriptor }

    /// Runs the plugin's drain hook; sinks also wait for, then fail, what they still hold.
    func drain(deadlineUnixMilliseconds: Int64) {
        if let sink = record.sink {
            sink.drain(plugin: descriptor.on_instance_drain, deadlineUnixMilliseconds: deadlineUnixMilliseconds)
        } else {
            descriptor.on_instance_drain?(plugin, deadlineUnixMilliseconds)
        }
        if let slot = record.authenticator {
            for operation in slot.abandonAll() { operation.answered(AuthVerdict(status: Int32(TRIB_ERR_UNAVAILABLE))) }
        }
    }

    /// SIGHUP for an instance the reload kept: its files (certificates, keys) are read again.
    func refresh() {
        descriptor.on_instance_refresh?(plugin)
    }

    /// Closes the instance's gate first, so late completions to an adapter and requests on an
    /// old authenticator chain are turned away instead of reaching a destroyed plugin.
    func destroy() {
        if !record.gate.close(deadlineNanoseconds: monotonicNanoseconds() + 5_000_000_000) {
            Logger.error(record.name, "a host call into the instance still runs after 5 s; destroying anyway")
        }
        record.sink?.abandonPending()
        record.services.listeners.removeAll(owner: ObjectIdentifier(record))
        record.services.healthReports.removeAll(owner: ObjectIdentifier(record))
        record.releaseBusResources()
        descriptor.on_instance_destroy(plugin)
    }
}
