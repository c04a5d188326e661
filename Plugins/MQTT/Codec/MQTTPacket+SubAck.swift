extension MQTTPacket {
    /// SUBACK: one reason code per requested subscription, in order (section 3.9).
    public struct SubAck: Hashable, Sendable {
        public var packetID: UInt16
        /// Granted QoS 0, 1 or 2, or a failure. MQTT 3.1.1 knows only the granted QoS and 0x80,
        /// so every failure goes to a 3.1.1 client as 0x80.
        public var reasonCodes: [MQTTReasonCode]
        /// MQTT 5.0: reason string and user properties.
        public var properties: MQTTProperties

        public init(packetID: UInt16, reasonCodes: [MQTTReasonCode], properties: MQTTProperties = MQTTProperties()) {
            self.packetID = packetID
            self.reasonCodes = reasonCodes
            self.properties = properties
        }
    }
}
