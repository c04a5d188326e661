/// A mistake at a byte offset of a document: bad JSON, or JSON that is not what the reader expects.
public struct PositionedError: Error, Sendable {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}
