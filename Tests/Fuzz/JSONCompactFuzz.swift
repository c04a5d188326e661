@testable import TributarySDK

/// libFuzzer target: JSON validation never crashes, compaction agrees with validation, and
/// compacting compact JSON changes nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONCompact(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    var compact: [UInt8] = []
    let accepted = JSON.compact(input, into: &compact)
    precondition(accepted == JSON.isValid(input), "compact and isValid disagree")
    if accepted {
        precondition(compact.count <= size, "compaction only removes bytes")
        var again: [UInt8] = []
        let stable = compact.withUnsafeBytes { JSON.compact($0, into: &again) }
        precondition(stable && again == compact, "compaction is idempotent")
    } else {
        precondition(compact.isEmpty, "a refused input leaves the output as it was")
    }
    return 0
}
