import Foundation

/// What a reload did, or why it was refused; the answer of `POST /reload` and the last line of
/// `/healthz`.
public struct ReloadResult: Sendable, Equatable {
    public var applied: Bool
    public var errors: [String] = []
    public var started: [String] = []
    public var replaced: [String] = []
    public var stopped: [String] = []
    public var unchanged: [String] = []
    public var finishedAt = Date()

    public var json: String {
        func list(_ items: [String]) -> String {
            "[" + items.map { item in
                var quoted: [UInt8] = []
                for byte in item.utf8 {
                    switch byte {
                    case UInt8(ascii: "\""): quoted += Array("\\\"".utf8)
                    case UInt8(ascii: "\\"): quoted += Array("\\\\".utf8)
                    case 0..<0x20: quoted += Array(String(format: "\\u%04x", byte).utf8)
                    default: quoted.append(byte)
                    }
                }
                return "\"" + String(decoding: quoted, as: UTF8.self) + "\""
            }.joined(separator: ",") + "]"
        }
        return "{\"applied\":\(applied),\"errors\":\(list(errors)),\"started\":\(list(started)),\"replaced\":\(list(replaced)),"
            + "\"stopped\":\(list(stopped)),\"unchanged\":\(list(unchanged))}"
    }
}
