import Glibc

/// `tributary <command> [options]`, parsed.
public struct CommandLineOptions: Sendable, Equatable {
    public enum Command: String, Sendable {
        case run, check, version, plugins, registry, help
    }

    public var command: Command = .help
    /// `plugins.d` in the working directory, else the installed `/etc/tributary/plugins.d`.
    public var configDirectory = CommandLineOptions.defaultConfigDirectory

    public static var defaultConfigDirectory: String {
        var status = stat()
        let local = stat("plugins.d", &status) == 0
        return local || stat("/etc/tributary/plugins.d", &status) != 0 ? "plugins.d" : "/etc/tributary/plugins.d"
    }
    /// Host settings given as flags, by setting key (they override files and environment).
    public var overrides: [String: String] = [:]
    /// `registry`: the registry file named with `--registry` (else the registry-file drop-in's).
    public var registryFile: String?
    /// `registry`: what follows the options (`device add APP NAME --password-stdin`).
    public var arguments: [String] = []

    public static let usage = """
        usage: tributary <command> [options]

        commands:
          run       start the host with the drop-ins of the configuration directory
          check     validate the whole configuration, including each plugin's own checks
          version   print the version, plugin ABI and toolchain
          plugins   list the plugin libraries on the search path
          registry  edit the registry file safely (run `tributary registry` for its commands)

        options:
          --config-dir DIR       drop-in directory (default: plugins.d, else /etc/tributary/plugins.d)
          --admin-address ADDR   admin endpoint host:port (default: 127.0.0.1:9090; port 0: any free)
          --admin-address-file F write the admin endpoint's bound address to F at start
          --instance ID          the instance extension of every event (default: drogue)
          --plugin-path DIRS     ':'-separated library directories
          --state-dir DIR        where staged libraries and plugin state live
          --log-level LEVEL      error, warn, info, debug or trace
          --log-format FORMAT    text (default), logfmt (key=value) or json (one object a line)
          --drain-timeout-ms MS  how long stopping waits for in-flight events
          --bus-memory-bytes N   what all pull consumers' queues may hold together
        """

    public static func parse(_ arguments: [String]) throws(UsageError) -> CommandLineOptions {
        var options = CommandLineOptions()
        var rest = arguments[...]
        guard let first = rest.popFirst() else { return options }
        guard let command = Command(rawValue: first) else {
            if first == "--help" || first == "-h" { return options }
            throw UsageError("unknown command '\(first)'")
        }
        options.command = command
        let settingFlags = Set(HostSettings.keys.map { "--" + $0.name.replacingUnderscores() })
        while let flag = rest.popFirst() {
            if command == .registry && !(flag == "--config-dir" || flag == "--registry" || settingFlags.contains(flag)) {
                options.arguments.append(flag)
                continue
            }
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            if flag == "--registry" {
                options.registryFile = value
                continue
            }
            if flag == "--config-dir" {
                options.configDirectory = value
            } else if settingFlags.contains(flag) {
                options.overrides[String(flag.dropFirst(2)).replacingDashes()] = value
            } else {
                throw UsageError("unknown option '\(flag)'")
            }
        }
        return options
    }
}

public struct UsageError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
    fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
