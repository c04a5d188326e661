extension MQTTPacket {
    /// CONNECT: the first packet a client sends (section 3.1).
    public struct Connect: Hashable, Sendable {
        /// The will message the server publishes if the connection ends without DISCONNECT.
        public struct Will: Hashable, Sendable {
            /// A topic name: no wildcards.
            public var topic: String
            public var payload: [UInt8]
            public var qos: MQTTQoS
            public var retain: Bool
            /// MQTT 5.0 will properties: payload format, message expiry, content type, response
            /// topic, correlation data, will delay interval and user properties.
            public var properties: MQTTProperties

            public init(
                topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
                properties: MQTTProperties = MQTTProperties()
            ) {
                self.topic = topic
                self.payload = payload
                self.qos = qos
                self.retain = retain
                self.properties = properties
            }
        }

        public var protocolVersion: MQTTProtocolVersion
        /// May be empty: a MQTT 5.0 server then assigns one (Assigned Client Identifier), a
        /// 3.1.1 server only accepts that with clean session.
        public var clientID: String
        /// Clean Session (3.1.1) or Clean Start (5.0).
        public var cleanStart: Bool
        /// Seconds; zero turns keep alive off.
        public var keepAlive: UInt16
        public var username: String?
        /// Binary data, not a string; MQTT 3.1.1 allows it only with a user name.
        public var password: [UInt8]?
        public var will: Will?
        public var properties: MQTTProperties

        public init(
            protocolVersion: MQTTProtocolVersion, clientID: String, cleanStart: Bool = true, keepAlive: UInt16 = 60,
            username: String? = nil, password: [UInt8]? = nil, will: Will? = nil,
            properties: MQTTProperties = MQTTProperties()
        ) {
            self.protocolVersion = protocolVersion
            self.clientID = clientID
            self.cleanStart = cleanStart
            self.keepAlive = keepAlive
            self.username = username
            self.password = password
            self.will = will
            self.properties = properties
        }
    }
}
