@testable import TributarySDK

/// libFuzzer target for the SDK's positioned JSON parser (webhook bodies, the device registry):
/// parsing never crashes; what it accepts the SDK's validator accepts too; every value's byte
/// range holds exactly that value, so a member passed on as its bytes (a TTN uplink's
/// `decoded_payload`) is valid JSON on its own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONTree(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    guard let root = try? PositionedJSONParser.parse(bytes) else { return 0 }
    precondition(bytes.withUnsafeBytes { JSON.isValid($0) }, "the tree parser accepted what the validator refuses")
    var pending = [root]
    while let node = pending.popLast() {
        let slice = Array(node.bytes(in: bytes))
        precondition((try? PositionedJSONParser.parse(slice)) != nil, "a value's bytes do not parse alone")
        switch node.value {
        case .object(let members): pending += members.map(\.value)
        case .array(let elements): pending += elements
        default: break
        }
    }
    return 0
}
