/// A configuration problem, always attributed to a file and, when the problem is at a
/// particular place, to a line and column there.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var position: SourcePosition?
    public var message: String

    public init(file: String, position: SourcePosition?, message: String) {
        self.file = file
        self.position = position
        self.message = message
    }

    /// `file:line:column: message`, the format compilers use, so editors and terminals can
    /// turn it into a link.
    public var description: String {
        if let position {
            return "\(file):\(position.line):\(position.column): \(message)"
        }
        return "\(file): \(message)"
    }
}
