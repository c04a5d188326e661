import CTributary

/// One instance's configuration, copied out of the host's `trib_type_config` so a Swift plugin can
/// read it with types and defaults, nginx style: every getter names its key and default, and
/// `finish()` refuses whatever key no getter asked for, so a typo in a drop-in file is an error
/// that names the file and line instead of a silently ignored setting.
public final class PluginConfig {
    /// A configuration value with where it came from.
    public enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([Value])

        var typeName: String {
            switch self {
            case .string: "string"
            case .integer: "integer"
            case .float: "float"
            case .boolean: "boolean"
            case .array: "array"
            }
        }
    }

    public let instanceName: String
    public let file: String
    public let stateDirectory: String
    private var values: [String: (value: Value, line: Int)] = [:]
    private var order: [String] = []
    private var used: Set<String> = []

    public init(_ config: UnsafePointer<trib_type_config>) {
        let c = config.pointee
        instanceName = c.instance_name.string
        file = c.file.string
        stateDirectory = c.state_dir.string
        let items = UnsafeBufferPointer(start: c.items, count: c.items == nil ? 0 : c.item_count)
        var index = 0
        while index < items.count {
            guard let item = items[index]?.pointee else { break }
            let key = item.key.string
            let (value, next) = PluginConfig.value(items, at: index)
            values[key] = (value, Int(item.line))
            order.append(key)
            index = next
        }
    }

    /// Builds a configuration from Swift values (tests, or plugins embedding other plugins).
    public init(instanceName: String, file: String = "<memory>", stateDirectory: String = "/tmp",
                values: [(String, Value)]) {
        self.instanceName = instanceName
        self.file = file
        self.stateDirectory = stateDirectory
        for (key, value) in values {
            self.values[key] = (value, 0)
            order.append(key)
        }
    }

    private static func value(_ items: UnsafeBufferPointer<UnsafePointer<trib_type_config_item>?>, at index: Int) -> (Value, Int) {
        let item = items[index]!.pointee
        switch Int(item.type) {
        case Int(TRIB_CONFIG_STRING.rawValue): return (.string(item.text.string), index + 1)
        case Int(TRIB_CONFIG_INTEGER.rawValue): return (.integer(item.integer), index + 1)
        case Int(TRIB_CONFIG_FLOAT.rawValue): return (.float(item.number), index + 1)
        case Int(TRIB_CONFIG_BOOLEAN.rawValue): return (.boolean(item.integer != 0), index + 1)
        default:
            var elements: [Value] = []
            var next = index + 1
            for _ in 0..<item.count where next < items.count {
                let (element, after) = value(items, at: next)
                elements.append(element)
                next = after
            }
            return (.array(elements), next)
        }
    }

    private func lookup(_ key: String) -> (value: Value, line: Int)? {
        used.insert(key)
        return values[key]
    }

    private func mismatch(_ key: String, _ found: (value: Value, line: Int), expected: String) -> PluginError {
        PluginError("\(location(found.line)): '\(key)' must be \(expected), found \(found.value.typeName)")
    }

    private func location(_ line: Int) -> String { line > 0 ? "\(file):\(line)" : file }

    public func string(_ key: String) throws(PluginError) -> String? {
        guard let found = lookup(key) else { return nil }
        guard case .string(let text) = found.value else { throw mismatch(key, found, expected: "a string") }
        return text
    }

    public func string(_ key: String, default fallback: String) throws(PluginError) -> String {
        try string(key) ?? fallback
    }

    public func requiredString(_ key: String) throws(PluginError) -> String {
        guard let text = try string(key) else { throw PluginError("\(file): '\(key)' is required") }
        return text
    }

    public func integer(_ key: String, default fallback: Int64, range: ClosedRange<Int64>? = nil) throws(PluginError) -> Int64 {
        guard let found = lookup(key) else { return fallback }
        guard case .integer(let number) = found.value else { throw mismatch(key, found, expected: "an integer") }
        if let range, !range.contains(number) {
            throw PluginError("\(location(found.line)): '\(key)' must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
        }
        return number
    }

    public func boolean(_ key: String, default fallback: Bool) throws(PluginError) -> Bool {
        guard let found = lookup(key) else { return fallback }
        guard case .boolean(let flag) = found.value else { throw mismatch(key, found, expected: "a boolean") }
        return flag
    }

    public func stringArray(_ key: String, default fallback: [String] = []) throws(PluginError) -> [String] {
        guard let found = lookup(key) else { return fallback }
        guard case .array(let elements) = found.value else { throw mismatch(key, found, expected: "an array of strings") }
        var strings: [String] = []
        for element in elements {
            guard case .string(let text) = element else { throw mismatch(key, found, expected: "an array of strings") }
            strings.append(text)
        }
        return strings
    }

    /// Every key of the table `name` (`[name]` in the drop-in, keys flattened as `name.key`), in
    /// file order, with the key's name inside the table and where it stands: for a table passed
    /// through whole to a library (kafka's `[librdkafka]`), whose own errors name the line.
    public func table(_ name: String) -> [(key: String, value: Value, position: String)] {
        let prefix = name + "."
        return order.filter { $0.hasPrefix(prefix) }.compactMap { key in
            guard let found = lookup(key) else { return nil }
            // `"bootstrap.servers" = ...` flattens to a quoted component; a library's property
            // names hold no quotes, so the name is the same either way it was written.
            return (String(key.dropFirst(prefix.count).filter { $0 != "\"" }), found.value, location(found.line))
        }
    }

    /// Refuses every key that no getter asked for. Call it after reading all keys.
    public func finish() throws(PluginError) {
        for key in order where !used.contains(key) {
            throw PluginError("\(location(values[key]?.line ?? 0)): unknown key '\(key)' for this plugin")
        }
    }
}
