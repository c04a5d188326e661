import CTributary
import Foundation
import TributarySDK

/// Creates, starts and stops the plugin instances of a configuration set, in the order the
/// lifecycle needs: authenticators and sinks before the adapters that use them; on stop,
/// adapters first (no new messages), then sinks (finish or fail what they hold).
///
/// All lifecycle hooks run on the thread that calls these methods (the control thread).
public final class HostRuntime: @unchecked Sendable {
    public let services: HostServices
    public let settings: HostSettings
    /// Phase and the drop-ins that should run but do not (`/readyz`, `/healthz`).
    public let health = HostHealth()
    private let searchPath: PluginSearchPath
    private let environment: [String: String]
    var running: [RunningInstance] = []

    public init(settings: HostSettings, services: HostServices? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        var normalizer = EventNormalizer()
        normalizer.instance = settings.instance
        normalizer.eventType = settings.eventType
        normalizer.sourceScheme = settings.sourceScheme
        self.services = services ?? HostServices(normalizer: normalizer, busMemoryBytes: settings.busMemoryBytes)
        searchPath = PluginSearchPath.resolved(from: settings)
        self.environment = environment
    }

    var stagingDirectory: String { settings.stagingDirectory }

    /// Loads (or finds already loaded) the library an instance names.
    func library(for config: InstanceConfig) throws(InstanceError) -> PluginLibrary {
        let path = searchPath.locate(config.plugin, relativeTo: config.file)
        do {
            return try PluginLibrary.load(path: path, stagingDirectory: stagingDirectory)
        } catch {
            throw InstanceError(file: config.file, message: "plugin '\(config.plugin)': \(error.description)")
        }
    }

    /// Loads the library and creates the instance (the plugin validates its keys) without
    /// starting it.
    func create(_ config: InstanceConfig) throws(InstanceError) -> RunningInstance {
        try create(config, library: library(for: config))
    }

    func create(_ config: InstanceConfig, library: PluginLibrary) throws(InstanceError) -> RunningInstance {
        let items: ConfigItems
        do {
            let stateDirectory = (settings.stateDirectory as NSString).appendingPathComponent(config.name)
            items = try ConfigItems(config, stateDirectory: stateDirectory, environment: environment)
        } catch {
            throw InstanceError(file: config.file, message: error.description)
        }
        let record = InstanceRecord(name: config.name, kind: library.kind, services: services)
        record.configLookup = items.lookup
        defer { record.configLookup = [:] }
        var errorText = [CChar](repeating: 0, count: 1024)
        var plugin: trib_type_instance_plugin_ptr?
        // `items.config` points into `items`, and config_get lends its items during the call:
        // the optimizer must not end `items`' life at its last Swift use, before the plugin reads.
        let status = withExtendedLifetime(items) {
            errorText.withUnsafeMutableBufferPointer { buffer in
                library.descriptor.on_instance_new(HostAPITable.pointer, record.handle, items.config, &plugin,
                                                           buffer.baseAddress, buffer.count)
            }
        }
        guard status == TRIB_OK, let plugin else {
            services.registry.unregister(record.metrics)
            let reason = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw InstanceError(file: config.file, message: "\(library.name) refused its configuration: "
                                + (reason.isEmpty ? "status \(Status(rawValue: status))" : reason))
        }
        let instance = RunningInstance(config: config, library: library, record: record, plugin: plugin)
        let d = library.descriptor
        switch library.kind {
        case .sink:
            let hooks = AppendOnlyStruct.read(d.sink!)
            record.sink = SinkSlot(name: config.name, filter: config.filter, metrics: record.metrics, registry: services.registry,
                                   instance: plugin, deliverHook: hooks.on_sink_deliver,
                                   serialDelivery: d.flags & UInt32(TRIB_FLAG_SERIAL_DELIVERY) != 0,
                                   maxBatch: Int(hooks.max_batch), maxInFlight: Int(hooks.max_in_flight), retry: SinkSlot.retries,
                                   gate: record.gate)
        case .authenticator:
            record.authenticator = AuthenticatorSlot(name: config.name, instance: plugin, hooks: d.authenticator!, gate: record.gate)
        case .adapter:
            break
        }
        return instance
    }

    /// Starts a created instance and puts it into service.
    func start(_ instance: RunningInstance) throws(InstanceError) {
        try startWithoutService(instance)
        if let sink = instance.record.sink { services.router.add(sink) }
        if let authenticator = instance.record.authenticator { services.authenticators.add(authenticator) }
        running.append(instance)
    }

    /// Runs `on_instance_start`; on failure destroys the instance. The caller puts it into service.
    func startWithoutService(_ instance: RunningInstance) throws(InstanceError) {
        var errorText = [CChar](repeating: 0, count: 1024)
        if let start = instance.descriptor.on_instance_start {
            let status = errorText.withUnsafeMutableBufferPointer { start(instance.plugin, $0.baseAddress, $0.count) }
            guard status == TRIB_OK else {
                instance.destroy()
                services.registry.unregister(instance.record.metrics)
                let reason = errorText.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                throw InstanceError(file: instance.config.file, message: "\(instance.library.name) failed to start: "
                                    + (reason.isEmpty ? "status \(Status(rawValue: status))" : reason))
            }
        }
        Logger.info(instance.config.name, "started \(instance.library.kind.name) \(instance.library.name) \(instance.library.version) from \(instance.config.file)")
    }

    /// Creates and starts every enabled instance; one that fails is reported and skipped, and the
    /// rest still start.
    public func startAll(_ configs: [InstanceConfig]) -> [InstanceError] {
        var errors: [InstanceError] = []
        let enabled = configs.filter(\.enabled)
        for config in configs where !config.enabled {
            Logger.info(config.name, "disabled in \(config.file)")
        }
        var created: [RunningInstance] = []
        for config in enabled {
            do {
                created.append(try create(config))
            } catch {
                errors.append(error)
                health.failed(config.name, error.description)
            }
        }
        let order: [PluginKind] = [.authenticator, .sink, .adapter]
        for kind in order {
            for instance in created where instance.kind == kind {
                do {
                    try start(instance)
                } catch {
                    errors.append(error)
                    health.failed(instance.config.name, error.description)
                }
            }
        }
        for error in errors {
            services.registry.instancesFailed.add()
            Logger.error("host", error.description)
        }
        return errors
    }

    /// Validates every enabled instance the way `startAll` would, without starting any.
    public func check(_ configs: [InstanceConfig]) -> [InstanceError] {
        var errors: [InstanceError] = []
        for config in configs where config.enabled {
            do {
                let instance = try create(config)
                instance.destroy()
                services.registry.unregister(instance.record.metrics)
            } catch {
                errors.append(error)
            }
        }
        return errors
    }

    /// SIGHUP's second half: every running instance that `reload` did not just create reads its
    /// files again (on_instance_refresh), so a certificate an operator replaced where no file
    /// watch sees it (a symlink's target elsewhere, a directory that cannot be watched) is used.
    public func refreshFiles(exceptCreatedBy reload: ReloadResult) {
        let created = Set(reload.started + reload.replaced)
        for instance in running where !created.contains(instance.config.name) {
            instance.refresh()
        }
    }

    /// Stops everything: adapters drain (no new messages; they wait for their publishes), then
    /// the router refuses new messages, then sinks drain and fail what is left, then every
    /// instance is destroyed. Every publish in flight ends completed or failed.
    public func stopAll() {
        let timeout = settings.drainTimeoutMilliseconds
        let start = wallClockMilliseconds()
        for instance in running where instance.kind == .adapter {
            instance.drain(deadlineUnixMilliseconds: start + timeout / 2)
        }
        services.router.stopAccepting()
        for instance in running where instance.kind == .sink {
            services.router.remove(instance.record.sink!)
            instance.drain(deadlineUnixMilliseconds: start + timeout)
        }
        for instance in running where instance.kind == .authenticator {
            services.authenticators.stopAccepting()
            services.authenticators.remove(instance.record.authenticator!)
            instance.drain(deadlineUnixMilliseconds: start + timeout)
        }
        for kind in [PluginKind.adapter, .sink, .authenticator] {
            for instance in running where instance.kind == kind {
                instance.destroy()
                Logger.info(instance.config.name, "stopped")
            }
        }
        running.removeAll()
    }
}
