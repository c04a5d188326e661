import CTributary
import Foundation

/// An instance's keys laid out as the `trib_type_config` the header describes, with secret
/// references resolved. The memory lives as long as this object (the host keeps it for the
/// duration of `on_instance_new`).
final class ConfigItems {
    private var items: UnsafeMutablePointer<trib_type_config_item>
    private var pointers: UnsafeMutablePointer<UnsafePointer<trib_type_config_item>?>
    private var textStorage: UnsafeMutablePointer<UInt8>
    let count: Int
    /// Flattened key -> item, for `trib_host_config_get`.
    private(set) var lookup: [String: UnsafePointer<trib_type_config_item>] = [:]
    private let header: UnsafeMutablePointer<trib_type_config>

    init(_ instance: InstanceConfig, stateDirectory: String, environment: [String: String]) throws(ConfigError) {
        var flat: [(key: String, type: UInt32, text: String, integer: Int64, number: Double, count: Int, position: SourcePosition)] = []
        func add(_ key: String, _ value: TOMLValue, _ position: SourcePosition) throws(ConfigError) {
            switch value {
            case .string(let s):
                let resolved = try ConfigItems.resolveSecret(s, key: key, file: instance.file, position: position, environment: environment)
                if resolved != s { Redaction.register(secret: resolved) }
                Redaction.registerSecrets(inValue: resolved)
                flat.append((key, TRIB_CONFIG_STRING.rawValue, resolved, 0, 0, 0, position))
            case .integer(let i): flat.append((key, TRIB_CONFIG_INTEGER.rawValue, String(i), i, Double(i), 0, position))
            case .float(let d): flat.append((key, TRIB_CONFIG_FLOAT.rawValue, String(d), 0, d, 0, position))
            case .boolean(let b): flat.append((key, TRIB_CONFIG_BOOLEAN.rawValue, b ? "true" : "false", b ? 1 : 0, 0, 0, position))
            case .array(let elements):
                if elements.contains(where: { if case .array = $0 { true } else if case .table = $0 { true } else { false } }) {
                    throw ConfigError(file: instance.file, position: position,
                                      message: "'\(key)' holds arrays or tables; plugin arrays hold strings, numbers or booleans only")
                }
                flat.append((key, TRIB_CONFIG_ARRAY.rawValue, "", 0, 0, elements.count, position))
                for (index, element) in elements.enumerated() { try add("\(key)[\(index)]", element, position) }
            case .table(let table):
                for entry in table.flattened() { try add("\(key).\(entry.key)", entry.value, entry.position) }
            }
        }
        for entry in instance.entries { try add(entry.key, entry.value, entry.position) }

        var bytes: [UInt8] = []
        var ranges: [(Range<Int>, Range<Int>)] = []
        for item in flat {
            let keyStart = bytes.count
            bytes.append(contentsOf: item.key.utf8)
            let textStart = bytes.count
            bytes.append(contentsOf: item.text.utf8)
            ranges.append((keyStart..<textStart, textStart..<bytes.count))
        }
        let extras = [instance.name, instance.file, stateDirectory].map { Array($0.utf8) }
        var extraRanges: [Range<Int>] = []
        for extra in extras {
            extraRanges.append(bytes.count..<(bytes.count + extra.count))
            bytes.append(contentsOf: extra)
        }
        textStorage = .allocate(capacity: max(bytes.count, 1))
        textStorage.initialize(from: bytes, count: bytes.count)
        count = flat.count
        items = .allocate(capacity: max(flat.count, 1))
        pointers = .allocate(capacity: max(flat.count, 1))
        let base = textStorage
        func buffer(_ range: Range<Int>) -> trib_type_host_buffer {
            trib_type_host_buffer(ptr: UnsafePointer(base + range.lowerBound), len: range.count)
        }
        for (index, item) in flat.enumerated() {
            (items + index).initialize(to: trib_type_config_item(
                struct_size: UInt32(MemoryLayout<trib_type_config_item>.size), type: item.type,
                key: buffer(ranges[index].0), text: buffer(ranges[index].1), integer: item.integer,
                number: item.number, count: item.count, line: UInt32(item.position.line), column: UInt32(item.position.column)))
            (pointers + index).initialize(to: UnsafePointer(items + index))
            lookup[item.key] = UnsafePointer(items + index)
        }
        header = .allocate(capacity: 1)
        header.initialize(to: trib_type_config(
            struct_size: UInt32(MemoryLayout<trib_type_config>.size), items: UnsafePointer(pointers), item_count: flat.count,
            instance_name: buffer(extraRanges[0]), file: buffer(extraRanges[1]), state_dir: buffer(extraRanges[2])))
    }

    var config: UnsafePointer<trib_type_config> { UnsafePointer(header) }

    deinit {
        items.deallocate()
        pointers.deallocate()
        textStorage.deallocate()
        header.deallocate()
    }

    /// `${env:NAME}` and `${file:/path}` let secrets stay out of drop-in files.
    static func resolveSecret(_ value: String, key: String, file: String, position: SourcePosition,
                              environment: [String: String]) throws(ConfigError) -> String {
        guard value.hasPrefix("${"), value.hasSuffix("}") else { return value }
        let reference = value.dropFirst(2).dropLast()
        if reference.hasPrefix("env:") {
            let name = String(reference.dropFirst(4))
            guard let resolved = environment[name] else {
                throw ConfigError(file: file, position: position, message: "'\(key)' refers to environment variable \(name), which is not set")
            }
            return resolved
        }
        if reference.hasPrefix("file:") {
            let path = String(reference.dropFirst(5))
            guard let content = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError(file: file, position: position, message: "'\(key)' refers to file \(path), which cannot be read")
            }
            return content.hasSuffix("\n") ? String(content.dropLast()) : content
        }
        return value
    }
}
