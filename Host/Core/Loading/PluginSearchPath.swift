import Foundation

/// Where `plugin = "kafka"` is found: `libtributary-kafka.so` in the first directory of the search
/// path that has it. A value containing '/' is a path (relative ones to the drop-in's directory).
public struct PluginSearchPath: Sendable {
    public var directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// The configured path, or by default the directory of the `tributary` executable (where
    /// `swift build` puts the plugins), `/usr/local/lib/tributary` and `/usr/lib/tributary` (the
    /// package's).
    public static func resolved(from settings: HostSettings) -> PluginSearchPath {
        if !settings.pluginPath.isEmpty { return PluginSearchPath(directories: settings.pluginPath) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        return PluginSearchPath(directories: [executable, "/usr/local/lib/tributary", "/usr/lib/tributary"])
    }

    public func locate(_ plugin: String, relativeTo configFile: String) -> String {
        if plugin.contains("/") {
            if plugin.hasPrefix("/") { return plugin }
            return ((configFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent(plugin)
        }
        let fileName = "libtributary-\(plugin).so"
        for directory in directories {
            let candidate = (directory as NSString).appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return (directories.first.map { ($0 as NSString).appendingPathComponent(fileName) }) ?? fileName
    }

    /// Every library file on the path, for `tributary plugins`.
    public func libraries() -> [String] {
        directories.flatMap { directory -> [String] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter { $0.hasPrefix("lib") && $0.hasSuffix(".so") }.sorted()
                .map { (directory as NSString).appendingPathComponent($0) }
        }
    }
}
