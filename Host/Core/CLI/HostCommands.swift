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
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
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
        let staging = (set.settings.stateDirectory as NSString).appendingPathComponent("plugin-cache")
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
        for error in configErrors { Logger.error("config", error.description) }
        let runtime = HostRuntime(settings: set.settings)
        for _ in configErrors { runtime.services.registry.instancesFailed.add() }

        let ready = Atomic<Bool>(false)
        let registry = runtime.services.registry
        let admin: AdminServer
        do {
            admin = try AdminServer(address: set.settings.adminAddress) { method, path in
                switch (method, path) {
                case ("GET", "/healthz"): return .init(status: 200, body: "ok\n")
                case ("GET", "/readyz"):
                    return ready.load(ordering: .acquiring) ? .init(status: 200, body: "ready\n") : .init(status: 503, body: "not ready\n")
                case ("GET", "/metrics"):
                    return .init(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.render())
                case (_, "/healthz"), (_, "/readyz"), (_, "/metrics"):
                    return .init(status: 405, body: "method not allowed\n")
                default:
                    return .init(status: 404, body: "not found\n")
                }
            }
        } catch {
            Logger.error("host", "admin endpoint: \(error)")
            return 1
        }
        admin.start()
        Logger.info("host", "\(Version.text); admin endpoint on \(set.settings.adminAddress.replacingOccurrences(of: ":0", with: ":\(admin.port)"))")
        _ = runtime.startAll(set.instances)
        ready.store(true, ordering: .releasing)
        Logger.info("host", "running \(runtime.running.count) instance\(runtime.running.count == 1 ? "" : "s") from \(options.configDirectory)")

        while true {
            switch SignalWaiter.wait(timeoutMilliseconds: 1000) {
            case .terminate:
                Logger.info("host", "stopping: draining sinks for up to \(set.settings.drainTimeoutMilliseconds) ms")
                ready.store(false, ordering: .releasing)
                runtime.stopAll()
                admin.stop()
                Logger.info("host", "stopped")
                return 0
            case .reload:
                Logger.warn("host", "SIGHUP: live reload is not available in this version; restart to apply changes")
            case nil:
                continue
            }
        }
    }
}
