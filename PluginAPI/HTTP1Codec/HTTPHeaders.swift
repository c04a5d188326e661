/// The header (or trailer) fields of an HTTP message, in order, names compared ASCII
/// case-insensitively.
///
/// Why a list and not a dictionary: order and repetition carry meaning (several `Set-Cookie`
/// lines, list fields split across lines), and a message must re-encode as it was received.
///
/// Every field is valid when it gets here: names are RFC 9110 tokens and values have no NUL, CR
/// or LF and no leading or trailing whitespace, so encoding a `HTTPHeaders` can never inject a
/// header or split a message. Lookups are linear; a message has at most
/// ``HTTPDecoderLimits/maxHeaderCount`` fields.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Element = (name: String, value: String)

    private var fields: [Element] = []

    public init() {}

    /// Literal fields, in order. Literals are written by the programmer, so an invalid one traps.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements {
            precondition(Self.isValidName(name) && Self.isValidValue(value), "invalid header literal \(name)")
            fields.append((name, value))
        }
    }

    /// The number of fields, repetitions included.
    public var count: Int { fields.count }

    public var isEmpty: Bool { fields.isEmpty }

    /// The value of the first field named `name` (any case), or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// The values of every field named `name` (any case), in order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Whether a field named `name` (any case) is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { Self.sameName($0.name, name) }
    }

    /// Appends a field, keeping any others of the same name.
    ///
    /// - Throws: ``HTTPParseError/badHeaderName`` or ``HTTPParseError/badHeaderValue`` when the
    ///   field could not be sent as is (see ``isValidName(_:)`` and ``isValidValue(_:)``).
    public mutating func add(name: String, value: String) throws(HTTPParseError) {
        try Self.validate(name: name, value: value)
        fields.append((name, value))
    }

    /// Sets the value of the first field named `name`, removing the others, or appends it.
    ///
    /// - Throws: like ``add(name:value:)``; the fields are unchanged then.
    public mutating func replaceOrAdd(name: String, value: String) throws(HTTPParseError) {
        try Self.validate(name: name, value: value)
        guard let first = fields.firstIndex(where: { Self.sameName($0.name, name) }) else {
            fields.append((name, value))
            return
        }
        fields[first] = (name, value)
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.sameName(fields[index].name, name) { fields.remove(at: index) } else { index += 1 }
        }
    }

    /// Removes every field named `name` (any case).
    public mutating func remove(name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { fields.makeIterator() }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Whether `name` is an RFC 9110 token (`!#$%&'*+-.^_`|~`, digits, letters).
    public static func isValidName(_ name: String) -> Bool {
        HTTPGrammar.isToken(name.utf8)
    }

    /// Whether `value` can be sent: no NUL, CR or LF (RFC 9110 section 5.5 calls them dangerous)
    /// and no leading or trailing SP or HTAB, which a recipient would strip.
    public static func isValidValue(_ value: String) -> Bool {
        let bytes = value.utf8
        if let first = bytes.first, HTTPGrammar.isWhitespace(first) { return false }
        if let last = bytes.last, HTTPGrammar.isWhitespace(last) { return false }
        return !bytes.contains { $0 == 0 || $0 == 0x0A || $0 == 0x0D }
    }

    // MARK: - Module-internal

    /// Appends a field the caller has already validated (the decoders, literal names).
    package mutating func appendValidated(name: String, value: String) {
        fields.append((name, value))
    }

    /// Whether the comma-separated list fields named `name` contain `token` (any case).
    package func containsToken(_ token: String, inList name: String) -> Bool {
        HTTPGrammar.listElements(values(name)).contains { HTTPGrammar.equalsIgnoringCase($0.utf8, token.utf8) }
    }

    private static func validate(name: String, value: String) throws(HTTPParseError) {
        guard isValidName(name) else { throw .badHeaderName }
        guard isValidValue(value) else { throw .badHeaderValue }
    }

    private static func sameName(_ a: String, _ b: String) -> Bool {
        HTTPGrammar.equalsIgnoringCase(a.utf8, b.utf8)
    }
}
