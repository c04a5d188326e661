/// Sizes of the MQTT data representations (section 1.5), shared by the encoder and decoder.
enum MQTTWire {
    /// The largest Variable Byte Integer, and so the largest remaining length: 2^28 - 1.
    static let maximumVariableByteInteger = 268_435_455

    static func variableByteIntegerSize(_ value: Int) -> Int {
        switch value {
        case ..<128: 1
        case ..<16_384: 2
        case ..<2_097_152: 3
        default: 4
        }
    }

    /// A string's size on the wire: the two-byte length and its UTF-8 bytes.
    static func stringSize(_ string: String) -> Int { 2 &+ string.utf8.count }
}
