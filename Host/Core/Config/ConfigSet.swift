import Foundation

/// A whole configuration: host settings and every instance, read from one drop-in directory.
/// Reading collects every error instead of stopping at the first, so `tributary check` and a
/// refused reload can report them all at once.
public struct ConfigSet: Sendable, Equatable {
    public var directory: String
    public var settings: HostSettings
    public var instances: [InstanceConfig]

    /// Keys of a drop-in that belong to the host, not the plugin.
    static let reservedKeys: Set<String> = ["plugin", "name", "enabled"]

    public static func load(directory: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            overrides: [String: String] = [:]) -> (ConfigSet, [ConfigError]) {
        var errors: [ConfigError] = []
        var set = ConfigSet(directory: directory, settings: HostSettings(), instances: [])
        let files: [String]
        do {
            files = try DropInDirectory.files(in: directory)
        } catch {
            return (set, [error])
        }
        var seen: [String: String] = [:]
        for file in files {
            let table: TOMLTable
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                table = try TOMLParser.parse(text, file: file)
            } catch let error as ConfigError {
                errors.append(error)
                continue
            } catch {
                errors.append(ConfigError(file: file, position: nil, message: "cannot read: \(error.localizedDescription)"))
                continue
            }
            if case .table(let host)? = table["host"], table["plugin"] == nil {
                if let extra = table.keys.first(where: { $0 != "host" }) {
                    errors.append(ConfigError(file: file, position: table.position(of: extra),
                                              message: "a host drop-in holds only the [host] table, found '\(extra)'"))
                }
                do { try set.settings.apply(table: host, file: file) } catch { errors.append(error) }
                continue
            }
            do {
                let instance = try instanceConfig(table, file: file)
                if let earlier = seen[instance.name] {
                    errors.append(ConfigError(file: file, position: table.position(of: "name"),
                                              message: "instance name '\(instance.name)' is already used by \(earlier)"))
                    continue
                }
                seen[instance.name] = file
                set.instances.append(instance)
            } catch {
                errors.append(error)
            }
        }
        for (key, variable) in HostSettings.keys {
            guard let text = overrides[key] ?? environment[variable] else { continue }
            do { try set.settings.apply(key: key, text: text) } catch {
                errors.append(ConfigError(file: overrides[key] != nil ? "--\(key.replacingOccurrences(of: "_", with: "-"))" : variable,
                                          position: nil, message: error.message))
            }
        }
        return (set, errors)
    }

    static func instanceConfig(_ table: TOMLTable, file: String) throws(ConfigError) -> InstanceConfig {
        guard let pluginValue = table["plugin"] else {
            throw ConfigError(file: file, position: SourcePosition(line: 1, column: 1),
                              message: "missing 'plugin' (the plugin this file configures), or a [host] table")
        }
        guard case .string(let plugin) = pluginValue, !plugin.isEmpty else {
            throw ConfigError(file: file, position: table.position(of: "plugin"), message: "'plugin' must be a non-empty string")
        }
        var name = DropInDirectory.instanceName(forFile: file)
        if let value = table["name"] {
            guard case .string(let given) = value, isValidInstanceName(given) else {
                throw ConfigError(file: file, position: table.position(of: "name"),
                                  message: "'name' must be a string of letters, digits, '-', '_' or '.'")
            }
            name = given
        }
        var enabled = true
        if let value = table["enabled"] {
            guard case .boolean(let flag) = value else {
                throw ConfigError(file: file, position: table.position(of: "enabled"), message: "'enabled' must be true or false")
            }
            enabled = flag
        }
        var filter = SinkFilter()
        var entries: [TOMLTable.FlatEntry] = []
        for entry in table.flattened() where !reservedKeys.contains(entry.key) {
            switch entry.key {
            case "filter.applications": filter.applications = try stringSet(entry, file: file)
            case "filter.channels": filter.channels = try stringSet(entry, file: file)
            default:
                if entry.key.hasPrefix("filter.") {
                    throw ConfigError(file: file, position: entry.position,
                                      message: "unknown key '\(entry.key)' (filter has applications and channels)")
                }
                entries.append(entry)
            }
        }
        return InstanceConfig(name: name, plugin: plugin, enabled: enabled, filter: filter, file: file, entries: entries)
    }

    private static func stringSet(_ entry: TOMLTable.FlatEntry, file: String) throws(ConfigError) -> Set<String> {
        guard case .array(let items) = entry.value else {
            throw ConfigError(file: file, position: entry.position, message: "'\(entry.key)' must be an array of strings")
        }
        var set: Set<String> = []
        for item in items {
            guard case .string(let text) = item else {
                throw ConfigError(file: file, position: entry.position, message: "'\(entry.key)' must be an array of strings")
            }
            set.insert(text)
        }
        return set
    }

    static func isValidInstanceName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
        }
    }
}
