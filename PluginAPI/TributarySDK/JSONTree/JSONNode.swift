/// A parsed JSON value that remembers the byte range it came from, so a mistake in a document's
/// content ("unknown application", "f_port must be a number") is reported with a position just
/// like a syntax error, and a member can be passed on as the exact bytes the sender wrote (a
/// TTN uplink's `decoded_payload`, a registry's `spec` section). Foundation keeps neither.
public struct JSONNode: Sendable {
    public enum Value: Sendable {
        /// Members in file order, with where each key starts; keys are unique (a duplicate is a
        /// syntax error).
        case object([(key: String, keyOffset: Int, value: JSONNode)])
        case array([JSONNode])
        case string(String)
        /// The number's text, as written; ``JSONField/integer(in:)`` converts it.
        case number(String)
        case bool(Bool)
        case null
    }

    public let value: Value
    /// Where the value starts and ends in the parsed bytes (`offset..<end`).
    public let offset: Int
    public let end: Int

    /// The value's bytes as the document holds them.
    public func bytes(in document: [UInt8]) -> ArraySlice<UInt8> { document[offset..<end] }
}
