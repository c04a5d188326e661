/// A 1-based line and column (in characters) of a byte offset.
struct SourcePosition: Equatable, CustomStringConvertible {
    let line: Int
    let column: Int

    init(offset: Int, in bytes: [UInt8]) {
        var line = 1, column = 1
        for byte in bytes.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.line = line
        self.column = column
    }

    var description: String { "line \(line) column \(column)" }
}
