/// Writes of the MQTT data representations (section 1.5) onto a byte array. The encoder sized
/// every field before it writes, so these trap instead of throwing on a value the wire format
/// cannot hold (a string over 65,535 bytes, an integer over 268,435,455).
extension Array where Element == UInt8 {
    mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value &>> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value &>> 24))
        append(UInt8(truncatingIfNeeded: value &>> 16))
        append(UInt8(truncatingIfNeeded: value &>> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// The minimal encoding, as section 1.5.5 requires.
    mutating func appendVariableByteInteger(_ value: Int) {
        precondition(
            value >= 0 && value <= MQTTWire.maximumVariableByteInteger, "MQTT variable byte integer out of range")
        var rest = value
        repeat {
            let digit = UInt8(truncatingIfNeeded: rest & 0x7F)
            rest &>>= 7
            append(rest > 0 ? digit | 0x80 : digit)
        } while rest > 0
    }

    mutating func appendString(_ string: String) {
        var string = string
        string.withUTF8 { appendLengthPrefixed(UnsafeRawBufferPointer($0)) }
    }

    mutating func appendLengthPrefixed(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= Int(UInt16.max), "MQTT string or binary data over 65,535 bytes")
        appendUInt16(UInt16(truncatingIfNeeded: bytes.count))
        append(contentsOf: bytes)
    }

    mutating func appendLengthPrefixed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { appendLengthPrefixed($0) }
    }
}
