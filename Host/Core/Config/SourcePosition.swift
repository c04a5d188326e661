/// A location in a configuration file. Both fields are 1-based; `column` counts Unicode
/// scalars, so it matches what editors show for non-ASCII text.
public struct SourcePosition: Sendable, Equatable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
