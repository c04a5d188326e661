extension MQTTPacket {
    /// AUTH: a step of MQTT 5.0 extended authentication (section 3.15).
    public struct Auth: Hashable, Sendable {
        /// Success, Continue authentication or Re-authenticate.
        public var reasonCode: MQTTReasonCode
        /// Authentication method and data, reason string, user properties.
        public var properties: MQTTProperties

        public init(reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = MQTTProperties()) {
            self.reasonCode = reasonCode
            self.properties = properties
        }
    }
}
