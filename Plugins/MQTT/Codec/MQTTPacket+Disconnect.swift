extension MQTTPacket {
    /// DISCONNECT (section 3.14). In MQTT 3.1.1 only a client sends it, with no content; in 5.0
    /// either side does, with a reason.
    public struct Disconnect: Hashable, Sendable {
        public var reasonCode: MQTTReasonCode
        /// MQTT 5.0: session expiry interval (client only), reason string, server reference,
        /// user properties.
        public var properties: MQTTProperties

        public init(reasonCode: MQTTReasonCode = .normalDisconnection, properties: MQTTProperties = MQTTProperties()) {
            self.reasonCode = reasonCode
            self.properties = properties
        }
    }
}
