/// The MQTT 5.0 property identifiers (section 2.2.2.2, table 2-4), each with its value type and
/// the packets that may carry it.
///
/// The decoder refuses an identifier that is unknown or not allowed in the packet as a Malformed
/// Packet (0x81), which is what section 2.2.2.2 prescribes, and a second occurrence of a
/// property that may appear once as a Protocol Error (0x82).
public enum MQTTPropertyIdentifier: UInt8, Sendable, Hashable, CaseIterable {
    case payloadFormatIndicator = 0x01
    case messageExpiryInterval = 0x02
    case contentType = 0x03
    case responseTopic = 0x08
    case correlationData = 0x09
    case subscriptionIdentifier = 0x0B
    case sessionExpiryInterval = 0x11
    case assignedClientIdentifier = 0x12
    case serverKeepAlive = 0x13
    case authenticationMethod = 0x15
    case authenticationData = 0x16
    case requestProblemInformation = 0x17
    case willDelayInterval = 0x18
    case requestResponseInformation = 0x19
    case responseInformation = 0x1A
    case serverReference = 0x1C
    case reasonString = 0x1F
    case receiveMaximum = 0x21
    case topicAliasMaximum = 0x22
    case topicAlias = 0x23
    case maximumQoS = 0x24
    case retainAvailable = 0x25
    case userProperty = 0x26
    case maximumPacketSize = 0x27
    case wildcardSubscriptionAvailable = 0x28
    case subscriptionIdentifierAvailable = 0x29
    case sharedSubscriptionAvailable = 0x2A

    /// How a property's value is encoded on the wire (section 1.5).
    public enum ValueType: Sendable, Hashable {
        case byte
        case twoByteInteger
        case fourByteInteger
        case variableByteInteger
        case utf8String
        /// A name and a value, both UTF-8 strings (User Property).
        case utf8StringPair
        case binaryData
    }

    public var valueType: ValueType {
        switch self {
        case .payloadFormatIndicator, .requestProblemInformation, .requestResponseInformation, .maximumQoS,
            .retainAvailable, .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable,
            .sharedSubscriptionAvailable:
            .byte
        case .serverKeepAlive, .receiveMaximum, .topicAliasMaximum, .topicAlias:
            .twoByteInteger
        case .messageExpiryInterval, .sessionExpiryInterval, .willDelayInterval, .maximumPacketSize:
            .fourByteInteger
        case .subscriptionIdentifier:
            .variableByteInteger
        case .contentType, .responseTopic, .assignedClientIdentifier, .authenticationMethod, .responseInformation,
            .serverReference, .reasonString:
            .utf8String
        case .userProperty:
            .utf8StringPair
        case .correlationData, .authenticationData:
            .binaryData
        }
    }

    /// Whether a packet of `type` may carry this property (the will properties of CONNECT are
    /// a separate set: `isAllowedInWillProperties`).
    public func isAllowed(in type: MQTTPacketType) -> Bool {
        Self.allowedMask(in: type) & bit != 0
    }

    /// Whether the will properties of a CONNECT may carry this property.
    public var isAllowedInWillProperties: Bool { Self.willMask & bit != 0 }

    /// Whether the property may appear more than once in a packet of `type`: User Property
    /// anywhere, Subscription Identifier in PUBLISH (one per matching subscription).
    public func isRepeatable(in type: MQTTPacketType) -> Bool {
        self == .userProperty || (self == .subscriptionIdentifier && type == .publish)
    }

    /// This identifier as a bit of a 64-bit set (all identifiers are below 64).
    var bit: UInt64 { 1 &<< UInt64(rawValue) }

    static func mask(_ identifiers: MQTTPropertyIdentifier...) -> UInt64 {
        identifiers.reduce(0) { $0 | $1.bit }
    }

    /// The properties each packet type may carry, as bit sets (section 2.2.2.2, table 2-4).
    static func allowedMask(in type: MQTTPacketType) -> UInt64 {
        switch type {
        case .connect: connectMask
        case .connAck: connAckMask
        case .publish: publishMask
        case .pubAck, .pubRec, .pubRel, .pubComp, .subAck, .unsubAck: acknowledgementMask
        case .subscribe: subscribeMask
        case .unsubscribe: userPropertyMask
        case .disconnect: disconnectMask
        case .auth: authMask
        case .pingReq, .pingResp: 0
        }
    }

    private static let userPropertyMask = mask(.userProperty)
    private static let connectMask = mask(
        .sessionExpiryInterval, .authenticationMethod, .authenticationData, .requestProblemInformation,
        .requestResponseInformation, .receiveMaximum, .topicAliasMaximum, .userProperty, .maximumPacketSize)
    private static let connAckMask = mask(
        .sessionExpiryInterval, .assignedClientIdentifier, .serverKeepAlive, .authenticationMethod,
        .authenticationData, .responseInformation, .serverReference, .reasonString, .receiveMaximum,
        .topicAliasMaximum, .maximumQoS, .retainAvailable, .userProperty, .maximumPacketSize,
        .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable, .sharedSubscriptionAvailable)
    private static let publishMask = mask(
        .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic, .correlationData,
        .subscriptionIdentifier, .topicAlias, .userProperty)
    static let willMask = mask(
        .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic, .correlationData,
        .willDelayInterval, .userProperty)
    private static let acknowledgementMask = mask(.reasonString, .userProperty)
    private static let subscribeMask = mask(.subscriptionIdentifier, .userProperty)
    private static let disconnectMask = mask(.sessionExpiryInterval, .reasonString, .serverReference, .userProperty)
    private static let authMask = mask(.authenticationMethod, .authenticationData, .reasonString, .userProperty)
}
