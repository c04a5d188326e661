import CTributary
import Foundation
import TributarySDK

/// Applies a new configuration set to a running host (README.md, "Reload without a restart").
///
/// It validates the whole new set first, by loading every library and creating every new or
/// changed instance (the same work as `tributary check`); if anything fails, it destroys what it
/// created and the running set stays untouched. Otherwise it makes a ``ReloadPlan`` of the
/// difference and applies it. An instance that then fails to start is reported as not running
/// (log, `/healthz`, `/readyz`); a changed sink or authenticator whose replacement fails keeps its
/// previous instance, while a changed adapter's previous instance has already stopped to free its
/// ports. A changed library is loaded as a new image beside the old (never unloaded).
extension HostRuntime {
    /// Call on the control thread.
    public func reload(to set: ConfigSet, configErrors: [ConfigError]) -> ReloadResult {
        guard configErrors.isEmpty else {
            return refuse(ReloadResult(applied: false, errors: configErrors.map(\.description)))
        }
        if let level = LogLevel(name: set.settings.logLevel) { Logger.level = level }
        if let format = LogFormat(rawValue: set.settings.logFormat) { Logger.format = format }
        var unchangedSettings = set.settings
        unchangedSettings.logLevel = settings.logLevel
        unchangedSettings.logFormat = settings.logFormat
        if unchangedSettings != settings {
            Logger.warn("host", "host settings other than log_level and log_format take effect at the next restart")
        }

        // Validate: create every new or changed instance; touch nothing that runs.
        var desired: [(kept: RunningInstance?, created: RunningInstance?)] = []
        var errors: [String] = []
        for config in set.instances where config.enabled {
            let current = running.first { $0.config.name == config.name }
            do {
                let library = try library(for: config)
                if let current, current.library === library, current.config.hasSameSettings(as: config) {
                    desired.append((current, nil))
                } else {
                    desired.append((nil, try create(config, library: library)))
                }
            } catch {
                errors.append(error.description)
            }
        }
        guard errors.isEmpty else {
            for case (_, let instance?) in desired { discard(instance) }
            return refuse(ReloadResult(applied: false, errors: errors))
        }

        let plan = ReloadPlan(running: running, desired: desired)
        Logger.debug("host", "reload plan: \(plan.summary.joined(separator: "; "))")
        var result = apply(plan, deadline: wallClockMilliseconds() + settings.drainTimeoutMilliseconds)
        health.forgetAllBut(Set(set.instances.filter(\.enabled).map(\.name)))
        result.notRunning = health.notRunning.map(\.name)
        result.applied = result.errors.isEmpty
        if result.applied {
            services.registry.reloadsSucceeded.add()
            services.registry.lastReloadSuccessful.set(1)
            Logger.info("host", "reload applied: \(result.changes)")
        } else {
            services.registry.reloadsFailed.add()
            services.registry.lastReloadSuccessful.set(0)
            for error in result.errors { Logger.error("reload", error) }
            Logger.error("host", "reload applied in part: \(result.changes); not running: \(result.notRunning.joined(separator: ", "))")
        }
        return result
    }

    /// Carries out `plan`, one action at a time, and reports what runs afterwards.
    func apply(_ plan: ReloadPlan, deadline: Int64) -> ReloadResult {
        var result = ReloadResult(applied: true, changed: true)
        var next: [RunningInstance] = []
        var keptBecauseReplacementFailed: [RunningInstance] = []
        for action in plan.actions {
            switch action {
            case .keep(let instance):
                next.append(instance)
                result.unchanged.append(instance.config.name)
            case .start(let instance, let old):
                let name = instance.config.name
                do {
                    try startWithoutService(instance)
                } catch {
                    result.errors.append(error.description)
                    health.failed(name, error.description)
                    if let old, old.kind == .adapter {
                        services.registry.unregister(old.record.metrics)
                        result.errors.append("\(old.config.file): the previous \(name) was stopped to free its listeners, so \(name) is not running")
                    } else if let old {
                        next.append(old)
                        keptBecauseReplacementFailed.append(old)
                        result.errors.append("\(old.config.file): the previous \(name) keeps running")
                    }
                    continue
                }
                health.runs(name)
                if let old {
                    if let oldSink = old.record.sink, let newSink = instance.record.sink {
                        oldSink.handOver(to: newSink)
                        services.router.replace(oldSink, with: newSink)
                        retire(old, deadline: deadline)
                    }
                    services.registry.unregister(old.record.metrics)
                    result.replaced.append(name)
                } else {
                    if let sink = instance.record.sink { services.router.add(sink) }
                    result.started.append(name)
                }
                next.append(instance)
            case .swapAuthenticators:
                services.authenticators.replaceAll(next.compactMap { $0.record.authenticator })
            case .stop(let instance, let reason):
                guard !keptBecauseReplacementFailed.contains(where: { $0 === instance }) else { continue }
                if reason == .removed, let sink = instance.record.sink { services.router.remove(sink) }
                retire(instance, deadline: deadline)
                if reason == .removed {
                    services.registry.unregister(instance.record.metrics)
                    result.stopped.append(instance.config.name)
                }
            }
        }
        running = next
        return result
    }

    /// A reload that changed nothing: the running set is exactly what it was.
    private func refuse(_ result: ReloadResult) -> ReloadResult {
        services.registry.reloadsFailed.add()
        services.registry.lastReloadSuccessful.set(0)
        for error in result.errors { Logger.error("reload", error) }
        Logger.error("host", "reload refused: \(result.errors.count) error\(result.errors.count == 1 ? "" : "s"); the running configuration is unchanged")
        return result
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
