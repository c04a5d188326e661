import Foundation
import TributarySDK

/// One plugin instance as its drop-in file describes it.
public struct InstanceConfig: Sendable, Equatable {
    /// The instance name: the `name` key, else the file stem without its `NN-` prefix.
    public var name: String
    /// The `plugin` key: a short name looked up on the search path, or a path to a library.
    public var plugin: String
    public var enabled: Bool
    public var filter: SinkFilter
    public var file: String
    /// The plugin's own keys, flattened, in file order, with their positions.
    public var entries: [TOMLTable.FlatEntry]
}

/// Host settings: defaults, then the host drop-in, then `TRIBUTARY_*` environment variables,
/// then command-line flags (each later source wins).
public struct HostSettings: Sendable, Equatable {
    public var adminAddress = "127.0.0.1:9090"
    /// Where to write the admin endpoint's bound address at start (empty: nowhere), so whoever
    /// started the host with port 0 learns the port without parsing the log.
    public var adminAddressFile = ""
    public var instance = "drogue"
    public var pluginPath: [String] = []
    public var stateDirectory = "/tmp/tributary"
    public var logLevel = "info"
    /// `text` (readable lines), `logfmt` (key=value fields) or `json` (one object per line).
    public var logFormat = "text"
    public var eventType = "io.drogue.event.v1"
    public var sourceScheme = "drogue"
    public var drainTimeoutMilliseconds: Int64 = 10_000
    /// What every pull consumer's queue together may hold, in event bytes.
    public var busMemoryBytes: Int64 = 256 << 20

    public init() {}

    /// Where libraries are staged before loading: `<state_dir>/plugin-cache`, or, for a user who
    /// does not own the state directory (root running `tributary check` beside a service that
    /// runs as its own user), `plugin-cache-uid<N>`, so neither leaves copies the other cannot
    /// read.
    public var stagingDirectory: String {
        var status = stat()
        let owner = stat(stateDirectory, &status) == 0 ? status.st_uid : geteuid()
        let name = owner == geteuid() ? "plugin-cache" : "plugin-cache-uid\(geteuid())"
        return (stateDirectory as NSString).appendingPathComponent(name)
    }

    /// The `[host]` keys, their types and where each lands: the key table of the host drop-in.
    static let keys: [(name: String, env: String)] = [
        ("admin_address", "TRIBUTARY_ADMIN_ADDRESS"), ("admin_address_file", "TRIBUTARY_ADMIN_ADDRESS_FILE"),
        ("instance", "TRIBUTARY_INSTANCE"),
        ("plugin_path", "TRIBUTARY_PLUGIN_PATH"), ("state_dir", "TRIBUTARY_STATE_DIR"),
        ("log_level", "TRIBUTARY_LOG_LEVEL"), ("log_format", "TRIBUTARY_LOG_FORMAT"), ("event_type", "TRIBUTARY_EVENT_TYPE"),
        ("source_scheme", "TRIBUTARY_SOURCE_SCHEME"), ("drain_timeout_ms", "TRIBUTARY_DRAIN_TIMEOUT_MS"),
        ("bus_memory_bytes", "TRIBUTARY_BUS_MEMORY_BYTES"),
    ]

    /// Applies one setting given as text (environment variable or flag).
    mutating func apply(key: String, text: String) throws(ConfigError) {
        switch key {
        case "admin_address": adminAddress = text
        case "admin_address_file": adminAddressFile = text
        case "instance": instance = text
        case "plugin_path": pluginPath = text.split(separator: ":").map(String.init)
        case "state_dir": stateDirectory = text
        case "log_level": logLevel = text
        case "log_format":
            guard LogFormat(rawValue: text) != nil else {
                throw ConfigError(file: key, position: nil, message: "log_format must be text, logfmt or json, found '\(text)'")
            }
            logFormat = text
        case "event_type": eventType = text
        case "source_scheme": sourceScheme = text
        case "drain_timeout_ms":
            guard let value = Int64(text), value >= 0 else {
                throw ConfigError(file: key, position: nil, message: "drain_timeout_ms must be a non-negative integer, found '\(text)'")
            }
            drainTimeoutMilliseconds = value
        case "bus_memory_bytes":
            guard let value = Int64(text), value >= 1 << 20 else {
                throw ConfigError(file: key, position: nil, message: "bus_memory_bytes must be an integer of at least 1048576, found '\(text)'")
            }
            busMemoryBytes = value
        default:
            throw ConfigError(file: key, position: nil, message: "unknown host setting '\(key)'")
        }
    }

    /// Applies the `[host]` table of a drop-in file.
    mutating func apply(table: TOMLTable, file: String) throws(ConfigError) {
        for entry in table.flattened() {
            guard HostSettings.keys.contains(where: { $0.name == entry.key }) else {
                throw ConfigError(file: file, position: entry.position, message: "unknown host setting 'host.\(entry.key)'")
            }
            let text: String
            switch entry.value {
            case .string(let s): text = s
            case .integer(let i) where entry.key == "drain_timeout_ms" || entry.key == "bus_memory_bytes": text = String(i)
            case .array(let items) where entry.key == "plugin_path":
                var paths: [String] = []
                for item in items {
                    guard case .string(let path) = item else {
                        throw ConfigError(file: file, position: entry.position, message: "host.plugin_path must be an array of strings")
                    }
                    paths.append(path)
                }
                text = paths.joined(separator: ":")
            default:
                throw ConfigError(file: file, position: entry.position, message: "host.\(entry.key) has the wrong type (\(entry.value.typeName))")
            }
            do {
                try apply(key: entry.key, text: text)
            } catch {
                throw ConfigError(file: file, position: entry.position, message: error.message)
            }
        }
        if LogLevel(name: logLevel) == nil {
            throw ConfigError(file: file, position: table.position(of: "log_level"), message: "log_level must be one of error, warn, info, debug, trace")
        }
    }
}
