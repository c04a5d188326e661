extension MQTTPacket {
    /// PUBLISH: an application message, in either direction (section 3.3).
    public struct Publish: Hashable, Sendable {
        /// Set on a redelivery of a QoS 1 or 2 message; always false at QoS 0.
        public var dup: Bool
        public var qos: MQTTQoS
        public var retain: Bool
        /// A topic name. MQTT 5.0 lets it be empty when `properties.topicAlias` stands for it;
        /// the codec passes the alias on and leaves resolving it to the connection.
        public var topic: String
        /// Present exactly when QoS is above 0, and then not zero.
        public var packetID: UInt16?
        public var payload: [UInt8]
        /// MQTT 5.0: payload format, message expiry, topic alias, response topic, correlation
        /// data, user properties, subscription identifiers (server to client only), content type.
        public var properties: MQTTProperties

        public init(
            dup: Bool = false, qos: MQTTQoS = .atMostOnce, retain: Bool = false, topic: String,
            packetID: UInt16? = nil, payload: [UInt8], properties: MQTTProperties = MQTTProperties()
        ) {
            self.dup = dup
            self.qos = qos
            self.retain = retain
            self.topic = topic
            self.packetID = packetID
            self.payload = payload
            self.properties = properties
        }
    }
}
