import Foundation
import Glibc
import Synchronization
import TributarySDK

/// What each `tributary` command does; main.swift only parses and dispatches.
public enum HostCommands {
    /// Returns the process exit code.
    public static func main(_ arguments: [String]) -> Int32 {
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(arguments)
        } catch {
            printError("tributary: \(error)\n\n\(CommandLineOptions.usage)")
            return 2
        }
        switch options.command {
        case .help:
            print(CommandLineOptions.usage)
            return 0
        case .version:
            print(Version.text)
            return 0
        case .check:
            return check(options)
        case .plugins:
            return plugins(options)
        case .run:
            return run(options)
        case .registry:
            return RegistryCommand.run(options) { readLine(strippingNewline: true) }
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((Redaction.redact(text) + "\n").utf8))
    }

    private static func loadConfig(_ options: CommandLineOptions) -> (ConfigSet, [ConfigError]) {
        ConfigSet.load(directory: options.configDirectory, overrides: options.overrides)
    }

    /// Like `nginx -t`: every error of the whole set, then a non-zero exit if there was any.
    static func check(_ options: CommandLineOptions) -> Int32 {
        let (set, configErrors) = loadConfig(options)
        Logger.level = .warn
        let runtime = HostRuntime(settings: set.settings)
        let instanceErrors = runtime.check(set.instances)
        let messages = configErrors.map(\.description) + instanceErrors.map(\.description)
        for message in messages { printError(message) }
        // A disabled drop-in is not an error, but its operator will want to know what enabling
        // it takes (the shipped ones are disabled until a URL or an issuer is filled in).
        for config in set.instances where !config.enabled {
            var enabled = config
            enabled.enabled = true
            let problems = runtime.check([enabled])
            print(problems.isEmpty ? "\(config.file): disabled; valid as written"
                : "\(config.file): disabled; to enable it: " + problems.map(\.message).joined(separator: "; "))
        }
        if messages.isEmpty {
            let enabled = set.instances.filter(\.enabled).count
            print("\(options.configDirectory): configuration ok (\(enabled) enabled, \(set.instances.count - enabled) disabled)")
            return 0
        }
        printError("\(options.configDirectory): \(messages.count) error\(messages.count == 1 ? "" : "s")")
        return 1
    }

    static func plugins(_ options: CommandLineOptions) -> Int32 {
        let (set, _) = loadConfig(options)
        let searchPath = PluginSearchPath.resolved(from: set.settings)
        let staging = set.settings.stagingDirectory
        print("search path: \(searchPath.directories.joined(separator: ":"))")
        for path in searchPath.libraries() {
            do {
                let library = try PluginLibrary.load(path: path, stagingDirectory: staging)
                print("\(path)\n    \(library.name) \(library.version): \(library.kind.name), ABI \(library.abiMajor).\(library.abiMinor), built with \(library.builtWith)\n    \(library.summary)")
            } catch {
                print("\(path)\n    refused: \(error.reason)")
            }
        }
        return 0
    }

    static func run(_ options: CommandLineOptions) -> Int32 {
        SignalWaiter.blockSignals()
        let (set, configErrors) = loadConfig(options)
        Logger.level = LogLevel(name: set.settings.logLevel) ?? .info
        Logger.format = LogFormat(rawValue: set.settings.logFormat) ?? .text
        for error in configErrors { Logger.error("config", error.description) }
        let runtime = HostRuntime(settings: set.settings)
        for error in configErrors {
            runtime.services.registry.instancesFailed.add()
            runtime.health.failed(error.file, error.description)
        }
        let reloads = ReloadCoordinator()
        let console = ConsoleInstances()

        let health = runtime.health
        let admin: AdminServer
        do {
            admin = try AdminServer(address: set.settings.adminAddress,
                                    handler: adminRoutes(services: runtime.services, health: health, reloads: reloads, console: console))
        } catch {
            Logger.error("host", "admin endpoint: \(error)")
            return 1
        }
        admin.start()
        Logger.info("host", "\(Version.text); admin endpoint \(set.settings.adminAddress) listening on \(admin.boundAddress)")
        if !set.settings.adminAddressFile.isEmpty {
            do {
                try AdminAddressFile.write(admin.boundAddress, to: set.settings.adminAddressFile)
            } catch {
                Logger.error("host", "admin address file: \(error)")
                admin.stop()
                return 1
            }
        }
        _ = runtime.startAll(set.instances)
        console.update(configured: set.instances, running: runtime.running, health: health)
        runtime.services.registry.lastReloadSuccessful.set(configErrors.isEmpty ? 1 : 0)
        health.set(.serving)
        let running = "running \(runtime.running.count) instance\(runtime.running.count == 1 ? "" : "s") from \(options.configDirectory)"
        Logger.info("host", running)
        let notifier = ServiceNotifier(environment: ProcessInfo.processInfo.environment)
        notifier.ready(status: running)

        // A change to a drop-in (not to a backup, dotfile or editor temporary) asks for a reload.
        let watcher = try? FileWatcher(directory: options.configDirectory, isRelevant: DropInDirectory.isDropIn) {
            reloads.request("plugins.d changed")
        }
        if watcher == nil { Logger.warn("host", "cannot watch \(options.configDirectory); reload with SIGHUP or POST /reload") }
        watcher?.start()

        while true {
            switch SignalWaiter.wait(timeoutMilliseconds: 100) {
            case .terminate:
                Logger.info("host", "stopping: draining sinks for up to \(set.settings.drainTimeoutMilliseconds) ms")
                notifier.stopping()
                health.set(.stopping)
                watcher?.stop()
                runtime.stopAll()
                admin.stop()
                Logger.info("host", "stopped")
                return 0
            case .reload:
                reloads.request("SIGHUP")
            case nil:
                break
            }
            reloads.runPending { reasons in
                Logger.info("host", "reloading (\(Set(reasons).sorted().joined(separator: ", ")))")
                let signalled = reasons.contains("SIGHUP")
                if signalled { notifier.reloading() }
                let (next, errors) = loadConfig(options)
                let result = runtime.reload(to: next, configErrors: errors)
                if errors.isEmpty { console.update(configured: next.instances, running: runtime.running, health: health) }
                if signalled {
                    runtime.refreshFiles(exceptCreatedBy: result)
                    notifier.ready(status: "running \(runtime.running.count) instances; last reload \(result.applied ? "applied" : "refused")")
                }
                return result
            }
        }
    }

    /// The admin endpoint's routes.
    static func adminRoutes(services: HostServices, health: HostHealth, reloads: ReloadCoordinator, console: ConsoleInstances) -> AdminServer.Handler {
        let registry = services.registry
        let listeners = services.listeners
        return { method, target in
            let path = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
            if method == "GET", let page = ConsoleRoutes.response(path, instances: console, lastReload: reloads.last) { return page }
            switch (method, path) {
            case ("GET", "/healthz"):
                return .init(status: 200, contentType: "application/json", body: HealthReport(health: health, reports: services.healthReports, lastReload: reloads.last).json + "\n")
            case ("GET", "/readyz"):
                if health.isReady { return .init(status: 200, body: "ready\n") }
                let missing = health.notRunning.map(\.name)
                let why = health.phase != .serving ? "\(health.phase)" : "not running: \(missing.joined(separator: ", "))"
                return .init(status: 503, body: "not ready (\(why))\n")
            case ("GET", "/listeners"):
                return .init(status: 200, contentType: "application/json", body: listeners.json + "\n")
            case ("GET", "/metrics"):
                return .init(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.render())
            case ("POST", "/reload"):
                guard let result = reloads.requestAndWait("POST /reload", timeout: 120) else {
                    return .init(status: 503, contentType: "application/json", body: "{\"error\":\"the reload did not finish within 120 s\"}\n")
                }
                return .init(status: result.applied ? 200 : 422, contentType: "application/json", body: result.json + "\n")
            case (_, "/healthz"), (_, "/readyz"), (_, "/metrics"), (_, "/listeners"), (_, "/reload"):
                return .init(status: 405, body: "method not allowed\n")
            default:
                return .init(status: 404, body: "not found\n")
            }
        }
    }
}
