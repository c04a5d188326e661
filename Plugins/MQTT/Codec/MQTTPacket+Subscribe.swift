extension MQTTPacket {
    /// SUBSCRIBE: one or more topic filters a client subscribes to (section 3.8).
    public struct Subscribe: Hashable, Sendable {
        /// One topic filter and how to deliver what matches it.
        public struct Subscription: Hashable, Sendable {
            /// A valid topic filter, possibly `$share/{ShareName}/{filter}`.
            public var filter: String
            public var options: Options

            public init(filter: String, options: Options = Options()) {
                self.filter = filter
                self.options = options
            }
        }

        /// The subscription options byte (section 3.8.3.1). MQTT 3.1.1 has only the QoS.
        public struct Options: Hashable, Sendable {
            /// When the server sends retained messages on subscribing.
            public enum RetainHandling: UInt8, Hashable, Sendable {
                /// Send them at the time of the subscribe.
                case sendOnSubscribe = 0
                /// Send them only if the subscription did not exist yet.
                case sendOnNewSubscription = 1
                /// Never send them.
                case doNotSend = 2
            }

            /// The highest QoS the client wants messages delivered at.
            public var qos: MQTTQoS
            /// MQTT 5.0: do not send the client its own publications (not on shared subscriptions).
            public var noLocal: Bool
            /// MQTT 5.0: keep the RETAIN flag of forwarded messages as published.
            public var retainAsPublished: Bool
            /// MQTT 5.0.
            public var retainHandling: RetainHandling

            public init(
                qos: MQTTQoS = .atMostOnce, noLocal: Bool = false, retainAsPublished: Bool = false,
                retainHandling: RetainHandling = .sendOnSubscribe
            ) {
                self.qos = qos
                self.noLocal = noLocal
                self.retainAsPublished = retainAsPublished
                self.retainHandling = retainHandling
            }
        }

        public var packetID: UInt16
        /// Never empty on the wire.
        public var subscriptions: [Subscription]
        /// MQTT 5.0: at most one subscription identifier, and user properties.
        public var properties: MQTTProperties

        public init(packetID: UInt16, subscriptions: [Subscription], properties: MQTTProperties = MQTTProperties()) {
            self.packetID = packetID
            self.subscriptions = subscriptions
            self.properties = properties
        }
    }
}
