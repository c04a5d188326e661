/// Parses the TOML subset used by drop-in files (`plugins.d/NN-name.conf`).
///
/// Supported: comments, bare/quoted/dotted keys, `[table]` headers, basic, literal and
/// multi-line strings, integers (decimal, hex, octal, binary), floats, booleans, arrays and
/// inline tables. Not supported, with a clear error: dates/times and arrays of tables.
/// Every error carries the file name and the line/column of the offending character.
public enum TOMLParser {
    /// Drop-ins are small; anything bigger is a mistake or an attack, and we refuse it before
    /// spending memory on it.
    public static let maximumInputBytes = 1 << 20
    /// Bounds recursion (nested arrays, inline tables, table paths), so hostile input cannot
    /// exhaust the stack.
    public static let maximumNestingDepth = 32

    public static func parse(_ text: String, file: String) throws(ConfigError) -> TOMLTable {
        let size = text.utf8.count
        guard size <= maximumInputBytes else {
            throw ConfigError(
                file: file, position: nil,
                message: "file is too large (\(size) bytes; the limit is 1 MiB)")
        }
        var parser = TOMLDocumentParser(text: text, file: file)
        return try parser.parseDocument()
    }
}

/// A table under construction. Tables are mutated through paths while parsing, which is
/// much simpler with references; the finished tree is converted to value types at the end.
private final class TableNode {
    /// How the table came into being decides what may still be added to it later.
    enum Origin {
        case root
        /// Created as a parent by a header, e.g. `a` by `[a.b]`; `[a]` may still define it.
        case implicit
        /// Defined by its own `[header]`.
        case header
        /// Created by a dotted key such as `a.b = 1`; only dotted keys may extend it.
        case dotted
        /// `{ ... }`: closed once written.
        case inline
    }

    enum Slot {
        case value(TOMLValue, SourcePosition)
        case table(TableNode)
    }

    var origin: Origin
    var position: SourcePosition
    private(set) var keys: [String] = []
    private(set) var slots: [String: Slot] = [:]

    init(origin: Origin, position: SourcePosition) {
        self.origin = origin
        self.position = position
    }

    func add(_ key: String, _ slot: Slot) {
        keys.append(key)
        slots[key] = slot
    }

    func build() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            switch slots[key]! {
            case .value(let value, let position):
                table.append(key, value, at: position)
            case .table(let child):
                table.append(key, .table(child.build()), at: child.position)
            }
        }
        return table
    }
}

/// One component of a (possibly dotted) key, with where it starts for error messages.
private struct KeyPart {
    var name: String
    var start: Int
}

/// Recursive-descent parser over the text's Unicode scalars. Scalars rather than bytes
/// because columns are reported in scalars; `index` is the only cursor, and line/column are
/// derived from it only when an error or a value position is needed.
private struct TOMLDocumentParser {
    private let file: String
    private let scalars: [Unicode.Scalar]
    /// Index of the first scalar of every line, for turning an index into line:column.
    private let lineStarts: [Int]
    private var index = 0

    private let root: TableNode
    /// The table selected by the last `[header]`, where plain key/value lines go.
    private var currentTable: TableNode
    private var currentDepth = 0

    init(text: String, file: String) {
        var scalars = Array(text.unicodeScalars)
        // Some editors prepend a byte-order mark; dropping it keeps columns as the editor shows them.
        if scalars.first == "\u{FEFF}" {
            scalars.removeFirst()
        }
        var lineStarts = [0]
        for (offset, c) in scalars.enumerated() where c == "\n" {
            lineStarts.append(offset + 1)
        }
        self.file = file
        self.scalars = scalars
        self.lineStarts = lineStarts
        self.root = TableNode(origin: .root, position: SourcePosition(line: 1, column: 1))
        self.currentTable = root
    }

    // MARK: Document structure

    mutating func parseDocument() throws(ConfigError) -> TOMLTable {
        while true {
            skipWhitespace()
            guard let c = peek() else { break }
            if c == "#" {
                try skipComment()
            } else if consumeNewline() {
                continue
            } else if c == "\r" {
                throw error("carriage return must be followed by a line feed", at: index)
            } else if c == "[" {
                try parseTableHeader()
                try expectEndOfLine(after: "table header")
            } else {
                try parseKeyValue(into: currentTable, depth: currentDepth)
                try expectEndOfLine(after: "value")
            }
        }
        return root.build()
    }

    /// `[a.b.c]`: selects (creating as needed) the table that following key/value lines fill.
    private mutating func parseTableHeader() throws(ConfigError) {
        let start = index
        index += 1
        if peek() == "[" {
            throw error("arrays of tables are not supported ('[[...]]')", at: start)
        }
        let parts = try parseKey(expecting: "a table name")
        guard peek() == "]" else {
            throw error("expected ']' after table name, found \(describe(at: index))", at: index)
        }
        index += 1
        if parts.count > TOMLParser.maximumNestingDepth {
            throw depthError(at: parts[TOMLParser.maximumNestingDepth].start)
        }

        let names = parts.map(\.name)
        let header = "[\(TOMLKeySyntax.render(names))]"
        var table = root
        for (k, part) in parts.enumerated() {
            let isLast = k == parts.count - 1
            let path = TOMLKeySyntax.render(Array(names[...k]))
            guard let slot = table.slots[part.name] else {
                let child = isLast
                    ? TableNode(origin: .header, position: position(of: start))
                    : TableNode(origin: .implicit, position: position(of: part.start))
                table.add(part.name, .table(child))
                table = child
                continue
            }
            switch slot {
            case .table(let child):
                if isLast {
                    switch child.origin {
                    case .implicit:
                        // `[a.b]` then `[a]` is fine: `a` was only implied until now.
                        child.origin = .header
                        child.position = position(of: start)
                    case .header, .root, .inline:
                        throw error(
                            "duplicate table \(header) (first defined at line \(child.position.line))",
                            at: start)
                    case .dotted:
                        throw error(
                            "cannot define table \(header): it was already created by dotted keys at line \(child.position.line)",
                            at: start)
                    }
                }
                table = child
            case .value(.table, let valuePosition):
                throw error(
                    "cannot extend inline table '\(path)' (defined at line \(valuePosition.line))",
                    at: start)
            case .value(let value, let valuePosition):
                throw error(
                    "cannot define table \(header): '\(path)' is already \(value.typeNameWithArticle) (defined at line \(valuePosition.line))",
                    at: start)
            }
        }
        currentTable = table
        currentDepth = parts.count
    }

    /// `key = value` (in a section or an inline table). `depth` is the nesting depth of
    /// `table`, used to bound nesting through dotted keys.
    private mutating func parseKeyValue(into table: TableNode, depth: Int) throws(ConfigError) {
        let keyStart = index
        let parts = try parseKey(expecting: "a key")
        guard peek() == "=" else {
            throw error("expected '=' after key, found \(describe(at: index))", at: index)
        }
        index += 1
        skipWhitespace()

        // Resolve the target table before parsing the value, so a duplicate key is reported
        // before any problem further right on the line.
        let names = parts.map(\.name)
        var target = table
        for (k, part) in parts.dropLast().enumerated() {
            let path = TOMLKeySyntax.render(Array(names[...k]))
            guard let slot = target.slots[part.name] else {
                if depth + k + 1 > TOMLParser.maximumNestingDepth {
                    throw depthError(at: part.start)
                }
                let child = TableNode(origin: .dotted, position: position(of: part.start))
                target.add(part.name, .table(child))
                target = child
                continue
            }
            switch slot {
            case .table(let child) where child.origin == .dotted:
                target = child
            case .table(let child):
                throw error(
                    "cannot add keys to table '\(path)' with dotted keys: it was created by a table header at line \(child.position.line)",
                    at: keyStart)
            case .value(.table, let valuePosition):
                throw error(
                    "cannot extend inline table '\(path)' (defined at line \(valuePosition.line))",
                    at: keyStart)
            case .value(let value, let valuePosition):
                throw error(
                    "cannot use '\(path)' as a table: it is already \(value.typeNameWithArticle) (defined at line \(valuePosition.line))",
                    at: keyStart)
            }
        }

        let last = parts[parts.count - 1]
        if let existing = target.slots[last.name] {
            let firstLine: Int
            switch existing {
            case .value(_, let p): firstLine = p.line
            case .table(let child): firstLine = child.position.line
            }
            throw error(
                "duplicate key '\(TOMLKeySyntax.render(names))' (first defined at line \(firstLine))",
                at: keyStart)
        }

        let valueStart = index
        let value = try parseValue(depth: depth + parts.count)
        target.add(last.name, .value(value, position(of: valueStart)))
    }

    /// A bare, quoted or dotted key; whitespace is allowed around the dots and is skipped
    /// after the key too.
    private mutating func parseKey(expecting what: String) throws(ConfigError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            skipWhitespace()
            let start = index
            let name: String
            switch peek() {
            case "\"":
                if peek(1) == "\"" && peek(2) == "\"" {
                    throw error("multi-line strings cannot be used as keys", at: start)
                }
                name = try parseBasicString()
            case "'":
                if peek(1) == "'" && peek(2) == "'" {
                    throw error("multi-line strings cannot be used as keys", at: start)
                }
                name = try parseLiteralString()
            case let c? where TOMLKeySyntax.isBareKeyCharacter(c):
                while let c = peek(), TOMLKeySyntax.isBareKeyCharacter(c) {
                    index += 1
                }
                name = text(from: start, to: index)
            default:
                throw error("expected \(what), found \(describe(at: start))", at: start)
            }
            parts.append(KeyPart(name: name, start: start))
            skipWhitespace()
            guard peek() == "." else { return parts }
            index += 1
        }
    }

    // MARK: Values

    /// `depth` is the nesting depth the value would have if it is an array or inline table.
    private mutating func parseValue(depth: Int) throws(ConfigError) -> TOMLValue {
        switch peek() {
        case "\"":
            if peek(1) == "\"" && peek(2) == "\"" {
                return .string(try parseMultilineString(quote: "\""))
            }
            return .string(try parseBasicString())
        case "'":
            if peek(1) == "'" && peek(2) == "'" {
                return .string(try parseMultilineString(quote: "'"))
            }
            return .string(try parseLiteralString())
        case "[":
            return try parseArray(depth: depth)
        case "{":
            return try parseInlineTable(depth: depth)
        default:
            return try parseBareValue()
        }
    }

    /// `[ v, v, ... ]`, which may span lines and contain comments; a trailing comma is fine.
    private mutating func parseArray(depth: Int) throws(ConfigError) -> TOMLValue {
        let start = index
        if depth > TOMLParser.maximumNestingDepth {
            throw depthError(at: start)
        }
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let c = peek() else { throw error("unterminated array", at: start) }
            if c == "]" {
                index += 1
                return .array(elements)
            }
            elements.append(try parseValue(depth: depth + 1))
            try skipWhitespaceCommentsAndNewlines()
            switch peek() {
            case ",":
                index += 1
            case "]":
                index += 1
                return .array(elements)
            case nil:
                throw error("unterminated array", at: start)
            default:
                throw error("expected ',' or ']' in array, found \(describe(at: index))", at: index)
            }
        }
    }

    /// `{ k = v, ... }`: one line, no trailing comma, closed to later additions.
    private mutating func parseInlineTable(depth: Int) throws(ConfigError) -> TOMLValue {
        let start = index
        if depth > TOMLParser.maximumNestingDepth {
            throw depthError(at: start)
        }
        index += 1
        let node = TableNode(origin: .inline, position: position(of: start))
        skipWhitespace()
        if peek() == "}" {
            index += 1
            return .table(node.build())
        }
        while true {
            try checkInlineTableContinues(start: start)
            try parseKeyValue(into: node, depth: depth)
            skipWhitespace()
            try checkInlineTableContinues(start: start)
            switch peek() {
            case "}":
                index += 1
                return .table(node.build())
            case ",":
                let comma = index
                index += 1
                skipWhitespace()
                if peek() == "}" {
                    throw error("trailing comma is not allowed in an inline table", at: comma)
                }
            default:
                throw error("expected ',' or '}' in inline table, found \(describe(at: index))", at: index)
            }
        }
    }

    private func checkInlineTableContinues(start: Int) throws(ConfigError) {
        if atEnd {
            throw error("unterminated inline table", at: start)
        }
        if isNewline(at: index) {
            throw error("inline tables must be on a single line", at: index)
        }
    }

    /// Booleans, numbers, inf/nan, and the things people write by mistake (unquoted strings, dates).
    private mutating func parseBareValue() throws(ConfigError) -> TOMLValue {
        let start = index
        while let c = peek(), isValueTokenCharacter(c) {
            index += 1
        }
        guard index > start else {
            throw error("expected a value, found \(describe(at: start))", at: start)
        }
        let token = text(from: start, to: index)
        switch token {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan": return .float(.nan)
        case "-nan": return .float(-.nan)
        default: break
        }
        if looksLikeDateOrTime(from: start) {
            throw error("dates and times are not supported", at: start)
        }
        let first = scalars[start]
        let afterSign = (first == "+" || first == "-") ? start + 1 : start
        if afterSign < index && isDigit(scalars[afterSign], radix: 10) {
            return try parseNumber(from: start, to: index)
        }
        let hint = first.properties.isAlphabetic ? " (strings must be quoted)" : ""
        throw error("expected a value, found '\(token)'\(hint)", at: start)
    }

    /// `1979-05-27…` or `07:32…`. Checked before numbers so the user learns dates are
    /// unsupported instead of getting a confusing number error.
    private func looksLikeDateOrTime(from start: Int) -> Bool {
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= scalars.count && range.allSatisfy { isDigit(scalars[$0], radix: 10) }
        }
        func scalar(_ i: Int, is c: Unicode.Scalar) -> Bool {
            i < scalars.count && scalars[i] == c
        }
        return (digits(start..<start + 4) && scalar(start + 4, is: "-"))
            || (digits(start..<start + 2) && scalar(start + 2, is: ":"))
    }

    /// Integers (decimal, 0x, 0o, 0b) and decimal floats in `scalars[start..<end]`, whose
    /// first non-sign character is a digit.
    private func parseNumber(from start: Int, to end: Int) throws(ConfigError) -> TOMLValue {
        var i = start
        let negative = scalars[i] == "-"
        if scalars[i] == "+" || scalars[i] == "-" {
            i += 1
        }

        if scalars[i] == "0", i + 1 < end, let (radix, name) = radixPrefix(scalars[i + 1]) {
            if i != start {
                throw error("a sign is not allowed on \(name) integers", at: start)
            }
            let digitsStart = i + 2
            let digitsEnd = try scanDigits(from: digitsStart, to: end, radix: radix, context: "after '0\(scalars[i + 1])'")
            if digitsEnd != end {
                throw error("invalid character \(describe(at: digitsEnd)) in \(name) integer", at: digitsEnd)
            }
            guard let magnitude = accumulate(from: digitsStart, to: digitsEnd, radix: radix),
                  magnitude <= UInt64(Int64.max) else {
                throw error("integer out of range", at: start)
            }
            return .integer(Int64(magnitude))
        }

        let integerStart = i
        let integerEnd = try scanDigits(from: i, to: end, radix: 10, context: "")
        if scalars[integerStart] == "0" && integerEnd - integerStart > 1 {
            throw error("leading zeros are not allowed", at: integerStart)
        }
        i = integerEnd
        var isFloat = false
        if i < end && scalars[i] == "." {
            isFloat = true
            i = try scanDigits(from: i + 1, to: end, radix: 10, context: "after '.'")
        }
        if i < end && (scalars[i] == "e" || scalars[i] == "E") {
            isFloat = true
            i += 1
            if i < end && (scalars[i] == "+" || scalars[i] == "-") {
                i += 1
            }
            i = try scanDigits(from: i, to: end, radix: 10, context: "in exponent")
        }
        if i != end {
            throw error("invalid character \(describe(at: i)) in number", at: i)
        }

        if isFloat {
            var literal = String.UnicodeScalarView()
            literal.append(contentsOf: scalars[start..<end].lazy.filter { $0 != "_" })
            guard let value = Double(String(literal)), value.isFinite else {
                throw error("float out of range", at: start)
            }
            return .float(value)
        }

        // Accumulate the magnitude unsigned so that Int64.min, whose magnitude does not fit
        // in Int64, is still accepted.
        guard let magnitude = accumulate(from: integerStart, to: integerEnd, radix: 10) else {
            throw error("integer out of range", at: start)
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else {
                throw error("integer out of range", at: start)
            }
            return .integer(Int64(truncatingIfNeeded: 0 &- magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else {
            throw error("integer out of range", at: start)
        }
        return .integer(Int64(magnitude))
    }

    private func radixPrefix(_ c: Unicode.Scalar) -> (UInt64, String)? {
        switch c {
        case "x": return (16, "hexadecimal")
        case "o": return (8, "octal")
        case "b": return (2, "binary")
        default: return nil
        }
    }

    /// Scans a run of digits in which each `_` sits between two digits, and returns where
    /// the run ends. At least one digit is required.
    private func scanDigits(from start: Int, to end: Int, radix: UInt64, context: String) throws(ConfigError) -> Int {
        guard start < end, isDigit(scalars[start], radix: radix) else {
            let kind = radix == 16 ? "a hexadecimal digit" : "a digit"
            let suffix = context.isEmpty ? "" : " \(context)"
            throw error("expected \(kind)\(suffix), found \(describe(at: start))", at: start)
        }
        var i = start + 1
        while i < end {
            if isDigit(scalars[i], radix: radix) {
                i += 1
            } else if scalars[i] == "_" {
                guard i + 1 < end, isDigit(scalars[i + 1], radix: radix) else {
                    throw error("'_' must be between digits", at: i)
                }
                i += 1
            } else {
                break
            }
        }
        return i
    }

    /// The value of the (already validated) digits, or nil on overflow.
    private func accumulate(from start: Int, to end: Int, radix: UInt64) -> UInt64? {
        var result: UInt64 = 0
        for c in scalars[start..<end] where c != "_" {
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(digitValue(c))
            if overflow1 || overflow2 {
                return nil
            }
            result = sum
        }
        return result
    }

    // MARK: Strings

    /// `"..."` with escapes, on one line.
    private mutating func parseBasicString() throws(ConfigError) -> String {
        let start = index
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let c = peek(), !isNewline(at: index) else {
                throw error("unterminated string", at: start)
            }
            switch c {
            case "\"":
                index += 1
                return String(result)
            case "\\":
                result.append(try parseEscape(stringStart: start))
            default:
                try checkStringCharacter(c)
                result.append(c)
                index += 1
            }
        }
    }

    /// `'...'`: taken verbatim, on one line.
    private mutating func parseLiteralString() throws(ConfigError) -> String {
        let start = index
        index += 1
        var result = String.UnicodeScalarView()
        while true {
            guard let c = peek(), !isNewline(at: index) else {
                throw error("unterminated string", at: start)
            }
            if c == "'" {
                index += 1
                return String(result)
            }
            try checkStringCharacter(c)
            result.append(c)
            index += 1
        }
    }

    /// `"""..."""` (with escapes) or `'''...'''` (verbatim). Line endings inside are
    /// normalized to LF so a CRLF file yields the same value as an LF one.
    private mutating func parseMultilineString(quote: Unicode.Scalar) throws(ConfigError) -> String {
        let start = index
        let isBasic = quote == "\""
        index += 3
        // A newline right after the opening delimiter is not part of the value, so the
        // text can start on its own line.
        _ = consumeNewline()
        var result = String.UnicodeScalarView()
        while true {
            guard let c = peek() else { throw error("unterminated string", at: start) }
            if c == quote && peek(1) == quote && peek(2) == quote {
                // Up to two quotes may directly precede the closing delimiter (`""""` ends
                // with one `"` in the value); anything beyond that is left for the caller
                // to reject.
                var run = 3
                while run < 5 && peek(run) == quote {
                    run += 1
                }
                for _ in 3..<run {
                    result.append(quote)
                }
                index += run
                return String(result)
            }
            if consumeNewline() {
                result.append("\n")
            } else if isBasic && c == "\\" {
                if skipLineEndingBackslash() {
                    continue
                }
                result.append(try parseEscape(stringStart: start))
            } else {
                try checkStringCharacter(c)
                result.append(c)
                index += 1
            }
        }
    }

    /// A `\` followed only by whitespace up to the end of the line joins the lines: the
    /// backslash, the line break and all whitespace/line breaks after it are dropped.
    private mutating func skipLineEndingBackslash() -> Bool {
        var i = index + 1
        while i < scalars.count && (scalars[i] == " " || scalars[i] == "\t") {
            i += 1
        }
        guard isNewline(at: i) else { return false }
        index = i
        while true {
            if consumeNewline() {
                continue
            }
            if let c = peek(), c == " " || c == "\t" {
                index += 1
                continue
            }
            return true
        }
    }

    /// At a `\` in a basic string; consumes the escape and returns the scalar it stands for.
    private mutating func parseEscape(stringStart: Int) throws(ConfigError) -> Unicode.Scalar {
        let start = index
        guard let c = peek(1) else { throw error("unterminated string", at: stringStart) }
        index += 2
        switch c {
        case "\"": return "\""
        case "\\": return "\\"
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "u": return try parseUnicodeEscape(start: start, digits: 4)
        case "U": return try parseUnicodeEscape(start: start, digits: 8)
        default:
            if isNewline(at: start + 1) {
                throw error("invalid escape '\\' at end of line", at: start)
            }
            if isControl(c) {
                throw error("invalid escape '\\' followed by \(describe(at: start + 1))", at: start)
            }
            throw error("invalid escape '\\\(c)'", at: start)
        }
    }

    private mutating func parseUnicodeEscape(start: Int, digits: Int) throws(ConfigError) -> Unicode.Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let c = peek(), isDigit(c, radix: 16) else {
                let written = text(from: start, to: index)
                throw error(
                    "invalid escape '\(written)': \\\(scalars[start + 1]) needs exactly \(digits) hexadecimal digits",
                    at: start)
            }
            value = value * 16 + UInt32(digitValue(c))
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("invalid escape '\(text(from: start, to: index))': not a Unicode scalar value", at: start)
        }
        return scalar
    }

    /// TOML forbids raw control characters (except tab) in strings; they are usually
    /// copy-paste accidents and invisible in editors.
    private func checkStringCharacter(_ c: Unicode.Scalar) throws(ConfigError) {
        if isControl(c) {
            throw error("control character \(codePoint(c)) is not allowed in a string", at: index)
        }
    }

    // MARK: Whitespace, comments, line ends

    private mutating func skipWhitespace() {
        while let c = peek(), c == " " || c == "\t" {
            index += 1
        }
    }

    /// At `#`: skips to (not past) the end of the line.
    private mutating func skipComment() throws(ConfigError) {
        while let c = peek(), !isNewline(at: index) {
            if isControl(c) {
                throw error("control character \(codePoint(c)) is not allowed in a comment", at: index)
            }
            index += 1
        }
    }

    /// Inside arrays, values may be separated by any mix of blanks, comments and line breaks.
    private mutating func skipWhitespaceCommentsAndNewlines() throws(ConfigError) {
        while true {
            skipWhitespace()
            if peek() == "#" {
                try skipComment()
            } else if !consumeNewline() {
                return
            }
        }
    }

    private mutating func expectEndOfLine(after what: String) throws(ConfigError) {
        skipWhitespace()
        if peek() == "#" {
            try skipComment()
        }
        if atEnd || consumeNewline() {
            return
        }
        throw error("expected end of line after \(what), found \(describe(at: index))", at: index)
    }

    private func isNewline(at i: Int) -> Bool {
        guard i < scalars.count else { return false }
        return scalars[i] == "\n" || (scalars[i] == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n")
    }

    private mutating func consumeNewline() -> Bool {
        guard isNewline(at: index) else { return false }
        index += scalars[index] == "\r" ? 2 : 1
        return true
    }

    // MARK: Characters

    private var atEnd: Bool { index >= scalars.count }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < scalars.count ? scalars[i] : nil
    }

    private func text(from start: Int, to end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// Characters that can make up an unquoted value. Deliberately generous (letters, `:`)
    /// so that `kafka` or `07:32:00` is read whole and gets one meaningful error.
    private func isValueTokenCharacter(_ c: Unicode.Scalar) -> Bool {
        TOMLKeySyntax.isBareKeyCharacter(c) || c == "+" || c == "." || c == ":"
    }

    private func isDigit(_ c: Unicode.Scalar, radix: UInt64) -> Bool {
        switch c {
        case "0"..."1": return true
        case "2"..."7": return radix >= 8
        case "8"..."9": return radix >= 10
        case "a"..."f", "A"..."F": return radix == 16
        default: return false
        }
    }

    private func digitValue(_ c: Unicode.Scalar) -> UInt64 {
        switch c {
        case "0"..."9": return UInt64(c.value - 0x30)
        case "a"..."f": return UInt64(c.value - 0x61 + 10)
        default: return UInt64(c.value - 0x41 + 10)
        }
    }

    private func isControl(_ c: Unicode.Scalar) -> Bool {
        (c.value < 0x20 && c != "\t") || c.value == 0x7F
    }

    // MARK: Errors and positions

    private func position(of i: Int) -> SourcePosition {
        // Last line start <= i.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= i {
                low = mid
            } else {
                high = mid - 1
            }
        }
        return SourcePosition(line: low + 1, column: i - lineStarts[low] + 1)
    }

    private func error(_ message: String, at i: Int) -> ConfigError {
        ConfigError(file: file, position: position(of: i), message: message)
    }

    private func depthError(at i: Int) -> ConfigError {
        error("nesting deeper than \(TOMLParser.maximumNestingDepth) levels is not allowed", at: i)
    }

    /// How the character at `i` reads in a "found ..." message.
    private func describe(at i: Int) -> String {
        guard i < scalars.count else { return "end of file" }
        let c = scalars[i]
        if isNewline(at: i) {
            return "end of line"
        }
        switch c {
        case "\t": return "a tab"
        case "\r": return "a carriage return"
        case " ": return "a space"
        default: break
        }
        if isControl(c) {
            return codePoint(c)
        }
        return "'\(c)'"
    }

    /// "U+0007": invisible characters are named by their code point.
    private func codePoint(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension TOMLValue {
    /// "an integer", "a string", ... for messages.
    fileprivate var typeNameWithArticle: String {
        switch self {
        case .integer, .array: return "an \(typeName)"
        default: return "a \(typeName)"
        }
    }
}
