import TributarySDK

/// A JSON string literal, escaped as the SDK's encoder escapes, secrets redacted: every message
/// the admin endpoint serves goes through here.
func quoted(_ text: String) -> String {
    var bytes: [UInt8] = []
    JSON.appendQuoted(Redaction.redact(text), to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}
