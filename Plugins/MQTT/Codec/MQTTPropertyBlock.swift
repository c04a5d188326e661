/// The size of one packet's properties, measured once so that the remaining length is known
/// before anything is written. MQTT 3.1.1 packets have no property block at all.
struct MQTTPropertyBlock {
    /// The length of the properties without the property length in front; nil in 3.1.1.
    private let length: Int?

    /// Measures `properties` for a packet whose allowed identifiers are `allowed`, or nothing
    /// when `version` is 3.1.1.
    init(_ properties: MQTTProperties, allowed: UInt64, version: MQTTProtocolVersion) {
        length = version == .v5 ? properties.encodedLength(allowed: allowed) : nil
    }

    init(_ properties: MQTTProperties, of type: MQTTPacketType, version: MQTTProtocolVersion) {
        self.init(properties, allowed: MQTTPropertyIdentifier.allowedMask(in: type), version: version)
    }

    /// Whether there is nothing but a zero property length to write (or nothing, in 3.1.1).
    var isEmpty: Bool { (length ?? 0) == 0 }

    /// Bytes the block takes: the property length and the properties.
    var size: Int { length.map { MQTTWire.variableByteIntegerSize($0) + $0 } ?? 0 }

    /// Writes the measured `properties`.
    func write(_ properties: MQTTProperties, into buffer: inout [UInt8]) {
        if let length { properties.write(length: length, into: &buffer) }
    }
}
