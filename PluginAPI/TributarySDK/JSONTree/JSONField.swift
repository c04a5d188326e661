/// A JSON value with its path in the document (`devices[2].spec.alias[0]`), read with typed accessors
/// whose errors carry both the path and the value's position.
public struct JSONField: Sendable {
    public let node: JSONNode
    public let path: String

    public init(node: JSONNode, path: String) {
        self.node = node
        self.path = path
    }

    public func fail(_ reason: String) -> PositionedError {
        PositionedError(offset: node.offset, reason: path.isEmpty ? reason : "\(path): \(reason)")
    }

    public func string() throws(PositionedError) -> String {
        guard case .string(let text) = node.value else { throw fail("expected a string") }
        return text
    }

    /// A string that names something, so it may not be empty.
    public func name() throws(PositionedError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw fail("must not be empty") }
        return text
    }

    /// A number without fraction or exponent, within `range`.
    public func integer(in range: ClosedRange<Int64>) throws(PositionedError) -> Int64 {
        guard case .number(let text) = node.value else { throw fail("expected a number") }
        guard let value = Int64(text), range.contains(value) else { throw fail("expected an integer in \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    public func bool() throws(PositionedError) -> Bool {
        guard case .bool(let flag) = node.value else { throw fail("expected true or false") }
        return flag
    }

    public func elements() throws(PositionedError) -> [JSONField] {
        guard case .array(let nodes) = node.value else { throw fail("expected an array") }
        return nodes.enumerated().map { JSONField(node: $1, path: "\(path)[\($0)]") }
    }

    public func members() throws(PositionedError) -> [(key: String, keyOffset: Int, field: JSONField)] {
        try pairs().map { ($0.key, $0.keyOffset, child($0.key, $0.value)) }
    }

    /// The member `key` of this object, or nil when absent or null.
    public func member(_ key: String) throws(PositionedError) -> JSONField? {
        guard let found = try pairs().first(where: { $0.key == key }) else { return nil }
        if case .null = found.value.value { return nil }
        return child(key, found.value)
    }

    private func pairs() throws(PositionedError) -> [(key: String, keyOffset: Int, value: JSONNode)] {
        guard case .object(let pairs) = node.value else { throw fail("expected an object") }
        return pairs
    }

    private func child(_ key: String, _ value: JSONNode) -> JSONField {
        JSONField(node: value, path: path.isEmpty ? key : "\(path).\(key)")
    }

    public func required(_ key: String) throws(PositionedError) -> JSONField {
        guard let field = try member(key) else { throw fail("'\(key)' is required") }
        return field
    }

    /// Refuses keys outside `allowed`, for sections a reader interprets strictly (a typo in a
    /// registry's credentials would silently drop a credential).
    public func onlyKeys(_ allowed: Set<String>) throws(PositionedError) {
        for (key, keyOffset, field) in try members() where !allowed.contains(key) {
            throw PositionedError(offset: keyOffset, reason: "\(field.path): unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public func stringArray() throws(PositionedError) -> [String] {
        var strings: [String] = []
        for element in try elements() { strings.append(try element.string()) }
        return strings
    }

    /// Drogue's `labels` and `annotations`: string to string.
    public func validateStringMap() throws(PositionedError) {
        for member in try members() { _ = try member.field.string() }
    }
}
