/// The MQTT 5.0 properties of a packet (section 2.2.2), one optional field per property.
///
/// One type serves every packet: which fields a packet may carry is the table in
/// `MQTTPropertyIdentifier.isAllowed(in:)`, which the decoder enforces on input and the
/// encoder asserts on output. MQTT 3.1.1 packets have no properties; the encoder leaves them out.
/// A field that is nil was absent, which differs from present with its default value (the
/// specification gives several properties a meaning when absent).
public struct MQTTProperties: Hashable, Sendable {
    /// A User Property: a name and value pair the application defines. Names may repeat, and
    /// the order of pairs is kept, as section 3.3.2.3.7 requires of a server that forwards them.
    public struct UserProperty: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// 0x01, PUBLISH and will: 0 for unspecified bytes, 1 for UTF-8 text. Any other value is a
    /// protocol error on input.
    public var payloadFormatIndicator: UInt8?
    /// 0x02, PUBLISH and will: seconds the message may wait for delivery.
    public var messageExpiryInterval: UInt32?
    /// 0x03, PUBLISH and will: a MIME type or whatever the application agrees on.
    public var contentType: String?
    /// 0x08, PUBLISH and will: the topic a reply should go to; a topic name (no wildcards).
    public var responseTopic: String?
    /// 0x09, PUBLISH and will: opaque data a requester matches replies with.
    public var correlationData: [UInt8]?
    /// 0x0B: in SUBSCRIBE at most one, naming the subscription; in a PUBLISH a server sends,
    /// one per matching subscription. Zero is a protocol error. A client's PUBLISH carries none.
    public var subscriptionIdentifiers: [UInt32] = []
    /// 0x11, CONNECT, CONNACK and DISCONNECT: seconds the session outlives the connection.
    public var sessionExpiryInterval: UInt32?
    /// 0x12, CONNACK: the client identifier the server chose for an empty one.
    public var assignedClientIdentifier: String?
    /// 0x13, CONNACK: the keep alive the server imposes instead of the client's.
    public var serverKeepAlive: UInt16?
    /// 0x15, CONNECT, CONNACK and AUTH: the extended authentication method.
    public var authenticationMethod: String?
    /// 0x16, CONNECT, CONNACK and AUTH: data of the extended authentication method; a protocol
    /// error without one.
    public var authenticationData: [UInt8]?
    /// 0x17, CONNECT: whether the server may send reason strings and user properties on
    /// failures (absent means yes).
    public var requestProblemInformation: Bool?
    /// 0x18, will: seconds the server waits before publishing the will.
    public var willDelayInterval: UInt32?
    /// 0x19, CONNECT: whether the client wants response information in CONNACK.
    public var requestResponseInformation: Bool?
    /// 0x1A, CONNACK: the basis of response topics.
    public var responseInformation: String?
    /// 0x1C, CONNACK and DISCONNECT: another server to use.
    public var serverReference: String?
    /// 0x1F, acknowledgements, DISCONNECT and AUTH: text for humans, not to be parsed.
    public var reasonString: String?
    /// 0x21, CONNECT and CONNACK: how many QoS 1 and 2 publications the sender accepts
    /// unacknowledged (absent means 65,535; zero is a protocol error).
    public var receiveMaximum: UInt16?
    /// 0x22, CONNECT and CONNACK: the highest topic alias the sender accepts (absent means 0).
    public var topicAliasMaximum: UInt16?
    /// 0x23, PUBLISH: a number standing for the topic, from 1 to the receiver's Topic Alias
    /// Maximum.
    public var topicAlias: UInt16?
    /// 0x24, CONNACK: the highest QoS the server accepts; only 0 or 1 may be sent (a server that
    /// takes QoS 2 leaves it out).
    public var maximumQoS: MQTTQoS?
    /// 0x25, CONNACK: whether the server keeps retained messages (absent means yes).
    public var retainAvailable: Bool?
    /// 0x26, every packet with properties and the will: application name and value pairs.
    public var userProperties: [UserProperty] = []
    /// 0x27, CONNECT and CONNACK: the largest packet, in bytes, the sender accepts (absent means
    /// no limit beyond the protocol's; zero is a protocol error).
    public var maximumPacketSize: UInt32?
    /// 0x28, CONNACK: whether the server accepts wildcard subscriptions (absent means yes).
    public var wildcardSubscriptionAvailable: Bool?
    /// 0x29, CONNACK: whether the server accepts subscription identifiers (absent means yes).
    public var subscriptionIdentifiersAvailable: Bool?
    /// 0x2A, CONNACK: whether the server accepts shared subscriptions (absent means yes).
    public var sharedSubscriptionAvailable: Bool?

    public init() {}

    /// Whether no property is set (the packet then carries a property length of zero, or none
    /// where the format lets it be left out).
    public var isEmpty: Bool { self == MQTTProperties() }

    // MARK: Decoding

    /// Reads a property length and the properties it covers. `allowed` is the set of
    /// identifiers the packet (or the will) may carry; `type` decides which may repeat.
    init(
        from reader: inout MQTTByteReader, in type: MQTTPacketType, allowed: UInt64
    ) throws(MQTTDecodeError) {
        let length = try reader.readVariableByteInteger()
        var list = try reader.subReader(length: Int(length))
        var seen: UInt64 = 0
        while !list.isAtEnd {
            let raw = try list.readVariableByteInteger()
            guard raw < 64, let id = MQTTPropertyIdentifier(rawValue: UInt8(raw)), allowed & id.bit != 0 else {
                throw .invalidPropertyIdentifier(raw, in: type)
            }
            guard seen & id.bit == 0 || id.isRepeatable(in: type) else { throw .duplicateProperty(id) }
            seen |= id.bit
            try read(id, from: &list)
        }
        if authenticationData != nil && authenticationMethod == nil {
            throw .missingProperty(.authenticationMethod)
        }
    }

    private mutating func read(_ id: MQTTPropertyIdentifier, from list: inout MQTTByteReader) throws(MQTTDecodeError) {
        switch id {
        case .payloadFormatIndicator: payloadFormatIndicator = try Self.flag(id, &list)
        case .messageExpiryInterval: messageExpiryInterval = try list.readUInt32()
        case .contentType: contentType = try list.readString()
        case .responseTopic:
            let topic = try list.readUTF8()
            guard MQTTTopic.isValidName(topic) else { throw .invalidPropertyValue(id) }
            responseTopic = String(decoding: topic, as: UTF8.self)
        case .correlationData: correlationData = try list.readBinary()
        case .subscriptionIdentifier:
            let value = try list.readVariableByteInteger()
            guard value != 0 else { throw .invalidPropertyValue(id) }
            subscriptionIdentifiers.append(value)
        case .sessionExpiryInterval: sessionExpiryInterval = try list.readUInt32()
        case .assignedClientIdentifier: assignedClientIdentifier = try list.readString()
        case .serverKeepAlive: serverKeepAlive = try list.readUInt16()
        case .authenticationMethod: authenticationMethod = try list.readString()
        case .authenticationData: authenticationData = try list.readBinary()
        case .requestProblemInformation: requestProblemInformation = try Self.flag(id, &list) == 1
        case .willDelayInterval: willDelayInterval = try list.readUInt32()
        case .requestResponseInformation: requestResponseInformation = try Self.flag(id, &list) == 1
        case .responseInformation: responseInformation = try list.readString()
        case .serverReference: serverReference = try list.readString()
        case .reasonString: reasonString = try list.readString()
        case .receiveMaximum: receiveMaximum = try Self.nonZero(id, try list.readUInt16())
        case .topicAliasMaximum: topicAliasMaximum = try list.readUInt16()
        // Zero and values above the negotiated maximum are both 0x94, which the PUBLISH
        // decoder reports once it knows the maximum.
        case .topicAlias: topicAlias = try list.readUInt16()
        case .maximumQoS: maximumQoS = MQTTQoS(rawValue: try Self.flag(id, &list))
        case .retainAvailable: retainAvailable = try Self.flag(id, &list) == 1
        case .userProperty:
            let name = try list.readString()
            userProperties.append(UserProperty(name, try list.readString()))
        case .maximumPacketSize: maximumPacketSize = try Self.nonZero(id, try list.readUInt32())
        case .wildcardSubscriptionAvailable: wildcardSubscriptionAvailable = try Self.flag(id, &list) == 1
        case .subscriptionIdentifierAvailable: subscriptionIdentifiersAvailable = try Self.flag(id, &list) == 1
        case .sharedSubscriptionAvailable: sharedSubscriptionAvailable = try Self.flag(id, &list) == 1
        }
    }

    /// A byte property whose only values are 0 and 1; section 3 calls any other a protocol
    /// error for each of them.
    private static func flag(
        _ id: MQTTPropertyIdentifier, _ list: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> UInt8 {
        let value = try list.readByte()
        guard value <= 1 else { throw .invalidPropertyValue(id) }
        return value
    }

    private static func nonZero<T: FixedWidthInteger>(
        _ id: MQTTPropertyIdentifier, _ value: T
    ) throws(MQTTDecodeError) -> T {
        guard value != 0 else { throw .invalidPropertyValue(id) }
        return value
    }

    // MARK: Encoding

    /// Hands every set property to `writer`, in identifier order (user properties in theirs).
    func emit(to writer: inout MQTTPropertyWriter) {
        writer.byte(.payloadFormatIndicator, payloadFormatIndicator)
        writer.uint32(.messageExpiryInterval, messageExpiryInterval)
        writer.string(.contentType, contentType)
        writer.string(.responseTopic, responseTopic)
        writer.binary(.correlationData, correlationData)
        for identifier in subscriptionIdentifiers {
            writer.variableByteInteger(.subscriptionIdentifier, identifier)
        }
        writer.uint32(.sessionExpiryInterval, sessionExpiryInterval)
        writer.string(.assignedClientIdentifier, assignedClientIdentifier)
        writer.uint16(.serverKeepAlive, serverKeepAlive)
        writer.string(.authenticationMethod, authenticationMethod)
        writer.binary(.authenticationData, authenticationData)
        writer.bool(.requestProblemInformation, requestProblemInformation)
        writer.uint32(.willDelayInterval, willDelayInterval)
        writer.bool(.requestResponseInformation, requestResponseInformation)
        writer.string(.responseInformation, responseInformation)
        writer.string(.serverReference, serverReference)
        writer.string(.reasonString, reasonString)
        writer.uint16(.receiveMaximum, receiveMaximum)
        writer.uint16(.topicAliasMaximum, topicAliasMaximum)
        writer.uint16(.topicAlias, topicAlias)
        writer.byte(.maximumQoS, maximumQoS?.rawValue)
        writer.bool(.retainAvailable, retainAvailable)
        for property in userProperties {
            writer.stringPair(.userProperty, property.name, property.value)
        }
        writer.uint32(.maximumPacketSize, maximumPacketSize)
        writer.bool(.wildcardSubscriptionAvailable, wildcardSubscriptionAvailable)
        writer.bool(.subscriptionIdentifierAvailable, subscriptionIdentifiersAvailable)
        writer.bool(.sharedSubscriptionAvailable, sharedSubscriptionAvailable)
    }

    /// The size of the properties without their length prefix, checking on the way that a
    /// packet whose allowed identifiers are `allowed` may carry them all.
    func encodedLength(allowed: UInt64) -> Int {
        var writer = MQTTPropertyWriter.measuring()
        emit(to: &writer)
        precondition(writer.present & ~allowed == 0, "MQTT property not allowed in this packet")
        return writer.length
    }

    /// Appends the property length (`length`, from `encodedLength`) and the properties.
    func write(length: Int, into buffer: inout [UInt8]) {
        buffer.appendVariableByteInteger(length)
        var writer = MQTTPropertyWriter.writing(into: &buffer)
        emit(to: &writer)
        swap(&writer.bytes, &buffer)
    }
}
