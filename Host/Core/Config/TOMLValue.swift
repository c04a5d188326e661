/// A value from a configuration file (the TOML subset that `TOMLParser` accepts).
public indirect enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The TOML name of the value's type, for messages such as "expected a string, found integer".
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .array: return "array"
        case .table: return "table"
        }
    }
}

/// A TOML table that remembers the order its keys appeared in and where each value was
/// written, so that later validation can report errors at the right line and column.
///
/// Equality compares contents only: key order and positions are presentation, and two
/// files that say the same thing in a different layout should compare equal.
public struct TOMLTable: Sendable, Equatable {
    /// The table's keys in the order they were first defined.
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]
    private var positions: [String: SourcePosition] = [:]

    init() {}

    public subscript(key: String) -> TOMLValue? {
        values[key]
    }

    /// Where the value of `key` starts. For a table defined by a `[header]` this is the
    /// header's `[`; for a table created implicitly (by `[a.b]` or `a.b = 1`) it is the
    /// key that created it.
    public func position(of key: String) -> SourcePosition? {
        positions[key]
    }

    /// Adds a new key. The parser has already rejected duplicates with a proper error, so a
    /// duplicate here is a programming error.
    mutating func append(_ key: String, _ value: TOMLValue, at position: SourcePosition) {
        precondition(values[key] == nil, "duplicate TOML key '\(key)'")
        keys.append(key)
        values[key] = value
        positions[key] = position
    }

    /// Every non-table value with its full dotted path, in document order. Nested tables
    /// (from headers, dotted keys or inline tables) contribute their leaves, so an empty
    /// table contributes nothing; arrays are leaves. A path component that is not a bare
    /// key is written quoted (`servers."eu.west".port`), so paths stay unambiguous.
    public func flattened() -> [FlatEntry] {
        var entries: [FlatEntry] = []
        collectLeaves(prefix: "", into: &entries)
        // Per-table order is not document order: `a.x = 1`, `b = 2`, `a.y = 3` groups a.x
        // and a.y together. Every leaf has its own position, so sorting restores the file's order.
        entries.sort { ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column) }
        return entries
    }

    private func collectLeaves(prefix: String, into entries: inout [FlatEntry]) {
        for key in keys {
            guard let value = values[key], let position = positions[key] else { continue }
            let path = prefix + TOMLKeySyntax.render(key)
            if case .table(let nested) = value {
                nested.collectLeaves(prefix: path + ".", into: &entries)
            } else {
                entries.append(FlatEntry(key: path, value: value, position: position))
            }
        }
    }

    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.values == rhs.values
    }
}

extension TOMLTable {
    /// One leaf of a flattened `TOMLTable`.
    public struct FlatEntry: Sendable, Equatable {
        /// Dotted path from the root, e.g. "tls.certificate".
        public var key: String
        /// The value; never `.table`.
        public var value: TOMLValue
        /// Where the value starts in the file.
        public var position: SourcePosition

        public init(key: String, value: TOMLValue, position: SourcePosition) {
            self.key = key
            self.value = value
            self.position = position
        }
    }
}

/// How keys are spelled when we show them back to people (messages, flattened paths).
enum TOMLKeySyntax {
    static func isBareKeyCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    /// The key as it would be written in a file: bare when possible, otherwise a basic string.
    static func render(_ key: String) -> String {
        if !key.isEmpty && key.unicodeScalars.allSatisfy(isBareKeyCharacter) {
            return key
        }
        var quoted = "\""
        for c in key.unicodeScalars {
            switch c {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let hex = String(c.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    quoted.unicodeScalars.append(c)
                }
            }
        }
        return quoted + "\""
    }

    static func render(_ path: [String]) -> String {
        path.map { render($0) }.joined(separator: ".")
    }
}
