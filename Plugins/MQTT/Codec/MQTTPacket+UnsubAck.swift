extension MQTTPacket {
    /// UNSUBACK (section 3.11).
    public struct UnsubAck: Hashable, Sendable {
        public var packetID: UInt16
        /// MQTT 5.0: one per filter of the UNSUBSCRIBE, in order. MQTT 3.1.1 has none: the
        /// encoder leaves them out and the decoder returns an empty list.
        public var reasonCodes: [MQTTReasonCode]
        /// MQTT 5.0: reason string and user properties.
        public var properties: MQTTProperties

        public init(
            packetID: UInt16, reasonCodes: [MQTTReasonCode] = [], properties: MQTTProperties = MQTTProperties()
        ) {
            self.packetID = packetID
            self.reasonCodes = reasonCodes
            self.properties = properties
        }
    }
}
