extension MQTTPacket {
    /// UNSUBSCRIBE: topic filters to remove, as they were subscribed (section 3.10).
    public struct Unsubscribe: Hashable, Sendable {
        public var packetID: UInt16
        /// Never empty on the wire.
        public var filters: [String]
        /// MQTT 5.0: user properties.
        public var properties: MQTTProperties

        public init(packetID: UInt16, filters: [String], properties: MQTTProperties = MQTTProperties()) {
            self.packetID = packetID
            self.filters = filters
            self.properties = properties
        }
    }
}
