extension MQTTPacket {
    /// PUBACK, PUBREC, PUBREL or PUBCOMP: the steps that acknowledge a QoS 1 or 2 PUBLISH
    /// (sections 3.4 to 3.7). The four share one layout; the `MQTTPacket` case says which it is.
    public struct PublishResponse: Hashable, Sendable {
        public var packetID: UInt16
        /// MQTT 5.0 only; MQTT 3.1.1 has no way to report a failure here, so a 3.1.1 server
        /// that refuses a message closes the connection instead.
        public var reasonCode: MQTTReasonCode
        /// MQTT 5.0: reason string and user properties.
        public var properties: MQTTProperties

        public init(
            packetID: UInt16, reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = MQTTProperties()
        ) {
            self.packetID = packetID
            self.reasonCode = reasonCode
            self.properties = properties
        }
    }
}
