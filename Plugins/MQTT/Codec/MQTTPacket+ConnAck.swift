extension MQTTPacket {
    /// CONNACK: the server's answer to CONNECT (section 3.2).
    public struct ConnAck: Hashable, Sendable {
        /// Whether the server resumes a stored session; must be false with a failure.
        public var sessionPresent: Bool
        /// In MQTT 3.1.1 this travels as the return code `reasonCode.v311ConnectReturnCode`,
        /// so only codes that have one can be sent to a 3.1.1 client.
        public var reasonCode: MQTTReasonCode
        /// MQTT 5.0: what the server announces (Maximum Packet Size, Receive Maximum, Topic Alias
        /// Maximum, Retain Available, Assigned Client Identifier, Server Keep Alive...).
        public var properties: MQTTProperties

        public init(
            sessionPresent: Bool = false, reasonCode: MQTTReasonCode = .success,
            properties: MQTTProperties = MQTTProperties()
        ) {
            self.sessionPresent = sessionPresent
            self.reasonCode = reasonCode
            self.properties = properties
        }
    }
}
