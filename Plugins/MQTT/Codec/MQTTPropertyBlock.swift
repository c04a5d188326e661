/// The properties of one packet as the encoder writes them: measured once, so the remaining
/// length can be computed before anything is written. Nil properties (MQTT 3.1.1) take no bytes.
struct MQTTPropertyBlock {
    private let properties: MQTTProperties?
    /// The length of the properties, without the property length in front of them.
    private let length: Int

    init(_ properties: MQTTProperties?, of type: MQTTPacketType) {
        self.init(properties, allowed: MQTTPropertyIdentifier.allowedMask(in: type))
    }

    init(_ properties: MQTTProperties?, allowed: UInt64) {
        self.properties = properties
        length = properties?.encodedLength(allowed: allowed) ?? 0
    }

    /// Whether there is nothing but a zero property length to write.
    var isEmpty: Bool { length == 0 }

    /// Bytes the block takes: the property length and the properties.
    var size: Int { properties == nil ? 0 : MQTTWire.variableByteIntegerSize(length) + length }

    func write(into buffer: inout [UInt8]) {
        properties?.write(length: length, into: &buffer)
    }
}
