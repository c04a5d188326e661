@testable import TributaryHost

/// libFuzzer target: the drop-in parser must never crash, and whatever it accepts must flatten.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOMLParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let table = try? TOMLParser.parse(text, file: "fuzz.conf") {
        for entry in table.flattened() {
            precondition(!entry.key.isEmpty, "a flattened key is never empty")
            precondition(entry.position.line >= 1 && entry.position.column >= 1, "positions are 1-based")
        }
    }
    return 0
}
