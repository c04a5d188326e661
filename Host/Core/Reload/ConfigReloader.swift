import CTributary
import Foundation
import TributarySDK

/// Applies a new configuration set to a running host (README.md, "Reload without a restart").
///
/// It validates the whole new set first, by loading every library and creating every new or
/// changed instance (the same work as `tributary check`); if anything fails, it destroys what it
/// created and the running set stays untouched. Otherwise it applies only the difference:
/// - a new or changed sink starts before traffic moves to it; the old one drains with a deadline
///   and hands what it still holds to its successor, then is destroyed;
/// - authenticators swap between requests (requests in progress finish on the old chain);
/// - adapters restart: the old one drains (stops listening, waits for its publishes), then the new
///   one starts, so there is a short gap in which its listeners refuse connections.
/// A changed library is loaded as a new image beside the old (never unloaded).
extension HostRuntime {
    private enum Change {
        case unchanged(RunningInstance)
        case created(RunningInstance, replacing: RunningInstance?)

        func keeps(_ instance: RunningInstance) -> Bool {
            switch self {
            case .unchanged(let kept): kept === instance
            case .created(_, let replacing): replacing === instance
            }
        }
    }

    /// Call on the control thread.
    public func reload(to set: ConfigSet, configErrors: [ConfigError]) -> ReloadResult {
        var result = ReloadResult(applied: false)
        guard configErrors.isEmpty else {
            result.errors = configErrors.map(\.description)
            return refuse(result)
        }
        if let level = LogLevel(name: set.settings.logLevel) { Logger.level = level }
        var unchangedSettings = set.settings
        unchangedSettings.logLevel = settings.logLevel
        if unchangedSettings != settings {
            Logger.warn("host", "host settings other than log_level take effect at the next restart")
        }

        // Validate: create every new or changed instance; touch nothing that runs.
        var plan: [Change] = []
        for config in set.instances where config.enabled {
            let current = running.first { $0.config.name == config.name }
            do {
                let library = try library(for: config)
                if let current, current.library === library, current.config.hasSameSettings(as: config) {
                    plan.append(.unchanged(current))
                } else {
                    let replacing = current?.kind == library.kind ? current : nil
                    plan.append(.created(try create(config, library: library), replacing: replacing))
                }
            } catch {
                result.errors.append(error.description)
            }
        }
        guard result.errors.isEmpty else {
            for case .created(let instance, _) in plan { discard(instance) }
            return refuse(result)
        }

        let removed = running.filter { instance in !plan.contains { $0.keeps(instance) } }
        let deadline = wallClockMilliseconds() + settings.drainTimeoutMilliseconds
        var next: [RunningInstance] = []

        // Removed adapters stop first, while the sinks they publish to still run.
        for instance in removed where instance.kind == .adapter { retire(instance, deadline: deadline) }

        // Then apply, kind by kind, in the order the lifecycle needs.
        for kind in [PluginKind.authenticator, .sink, .adapter] {
            for change in plan {
                switch change {
                case .unchanged(let instance) where instance.kind == kind:
                    result.unchanged.append(instance.config.name)
                    next.append(instance)
                case .created(let instance, let old) where instance.kind == kind:
                    if let old, old.kind == .adapter { retire(old, deadline: deadline) }
                    do {
                        try startWithoutService(instance)
                    } catch {
                        result.errors.append(error.description)
                        if let old, old.kind != .adapter {
                            next.append(old)
                            result.errors.append("\(old.config.file): the previous \(old.config.name) keeps running")
                        }
                        continue
                    }
                    if let old {
                        swap(old, for: instance, deadline: deadline)
                        result.replaced.append(instance.config.name)
                    } else {
                        if let sink = instance.record.sink { services.router.add(sink) }
                        result.started.append(instance.config.name)
                    }
                    next.append(instance)
                default:
                    continue
                }
            }
            if kind == .authenticator {
                services.authenticators.replaceAll(next.compactMap { $0.record.authenticator })
                for instance in running where instance.kind == .authenticator && !next.contains(where: { $0 === instance }) {
                    retire(instance, deadline: deadline)
                }
            }
        }
        for instance in removed where instance.kind == .sink {
            services.router.remove(instance.record.sink!)
            retire(instance, deadline: deadline)
        }
        for instance in removed { services.registry.unregister(instance.record.metrics) }
        result.stopped = removed.map(\.config.name)
        running = next
        result.applied = result.errors.isEmpty
        if result.applied {
            services.registry.reloadsSucceeded.add()
            services.registry.lastReloadSuccessful.set(1)
            Logger.info("host", "reload applied: started \(result.started), replaced \(result.replaced), stopped \(result.stopped), \(result.unchanged.count) unchanged")
        } else {
            _ = refuse(result)
        }
        return result
    }

    private func refuse(_ result: ReloadResult) -> ReloadResult {
        services.registry.reloadsFailed.add()
        services.registry.lastReloadSuccessful.set(0)
        for error in result.errors { Logger.error("reload", error) }
        Logger.error("host", "reload refused: \(result.errors.count) error\(result.errors.count == 1 ? "" : "s"); the running configuration is unchanged")
        return result
    }

    /// Moves traffic from `old` to the started `new`. A sink's predecessor drains now and hands
    /// what it holds to `new`; an adapter's was retired before `new` started (its port must be
    /// free); authenticators are retired once the whole chain is swapped.
    private func swap(_ old: RunningInstance, for new: RunningInstance, deadline: Int64) {
        if let oldSink = old.record.sink, let newSink = new.record.sink {
            oldSink.handOver(to: newSink)
            services.router.replace(oldSink, with: newSink)
            retire(old, deadline: deadline)
        }
        services.registry.unregister(old.record.metrics)
    }

    /// Drains and destroys an instance that left the configuration or was replaced.
    private func retire(_ instance: RunningInstance, deadline: Int64) {
        instance.drain(deadlineUnixMilliseconds: deadline)
        instance.destroy()
        Logger.info(instance.config.name, "stopped (reload)")
    }

    /// Destroys an instance that was created but never started.
    private func discard(_ instance: RunningInstance) {
        instance.destroy()
        services.registry.unregister(instance.record.metrics)
    }
}

extension InstanceConfig {
    /// Equal in what the plugin and the host act on; positions and the file's name may differ.
    func hasSameSettings(as other: InstanceConfig) -> Bool {
        name == other.name && plugin == other.plugin && enabled == other.enabled && filter == other.filter
            && entries.map { [$0.key: $0.value] } == other.entries.map { [$0.key: $0.value] }
    }
}
