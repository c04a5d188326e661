import TributarySDK

/// A JSON string literal, escaped as the SDK's encoder escapes.
func quoted(_ text: String) -> String {
    var bytes: [UInt8] = []
    JSON.appendQuoted(text, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}
