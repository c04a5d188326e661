/// Why the decoder refused its input. Every case is a protocol violation that ends the
/// connection; `MQTTDecoder.reply(to:)` says what, if anything, to send before closing.
///
/// `reasonCode` is the one place errors map to MQTT 5.0 reason codes (section 4.13): 0x81 for
/// what cannot be parsed, 0x82 for what parses but the protocol forbids, and the specific codes
/// where the specification names one. MQTT 3.1.1 has reason codes only in CONNACK:
/// `v311ConnectReturnCode` gives the return code for the CONNECT refusals that have one.
public enum MQTTDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The first packet was not CONNECT (its first byte given). The server closes without
    /// CONNACK [MQTT-3.1.0-1].
    case firstPacketNotConnect(firstByte: UInt8)
    /// A second CONNECT on the connection [MQTT-3.1.0-2].
    case secondConnect
    /// Packet type 0, or 15 (AUTH) in MQTT 3.1.1.
    case reservedPacketType(UInt8)
    /// A type the other side never sends: CONNACK, SUBACK, UNSUBACK or PINGRESP to a server;
    /// CONNECT, SUBSCRIBE, UNSUBSCRIBE or PINGREQ to a client.
    case unexpectedPacketType(MQTTPacketType)
    /// The low nibble of the first byte breaks the type's rule (section 2.1.3): SUBSCRIBE,
    /// UNSUBSCRIBE and PUBREL need 0010, PUBLISH may not have QoS 3 or DUP with QoS 0, the others
    /// need 0000.
    case invalidFixedHeaderFlags(MQTTPacketType, flags: UInt8)
    /// A Variable Byte Integer (remaining length, property length, property identifier or
    /// subscription identifier) longer than four bytes or than its value needs.
    case malformedVariableByteInteger
    /// A remaining length that a packet of this type can never have (PINGREQ with a body, a
    /// MQTT 3.1.1 PUBACK that is not two bytes...).
    case invalidRemainingLength(MQTTPacketType, Int)
    /// The whole packet, fixed header included, is larger than the maximum packet size. Found as
    /// soon as the fixed header is complete, before the body is buffered.
    case packetTooLarge(size: Int, maximum: Int)
    /// A field runs past the end of the packet (or of its property list).
    case unexpectedEndOfPacket
    /// Bytes left over after the last field of a packet.
    case trailingBytes
    /// A string that is not well-formed UTF-8 or contains U+0000.
    case invalidUTF8String
    /// A CONNECT whose protocol name is neither "MQTT" nor MQTT 3.1's "MQIsdp".
    case invalidProtocolName
    /// A CONNECT for a protocol level other than 4 (3.1.1) or 5 (5.0): 3 is MQTT 3.1.
    case unsupportedProtocolVersion(level: UInt8)
    /// CONNECT flags with the reserved bit set, will QoS or retain without a will, will QoS 3,
    /// or (MQTT 3.1.1 only) a password without a user name.
    case invalidConnectFlags(UInt8)
    /// CONNACK acknowledge flags with reserved bits set, or Session Present with a failure.
    case invalidConnAckFlags(UInt8)
    /// MQTT 3.1.1: an empty client identifier without clean session [MQTT-3.1.3-8].
    case clientIdentifierRejected
    /// A packet identifier of zero where one is required [MQTT-2.2.1-3].
    case zeroPacketIdentifier(MQTTPacketType)
    /// A topic name that is empty (where it may not be) or contains a wildcard.
    case invalidTopicName
    /// MQTT 5.0: an empty topic name without a topic alias.
    case missingTopicName
    /// A topic filter that breaks the wildcard or shared subscription rules.
    case invalidTopicFilter
    /// SUBSCRIBE or UNSUBSCRIBE without topic filters, SUBACK or UNSUBACK without reason codes.
    case emptyPayload(MQTTPacketType)
    /// Subscription options with reserved bits set (malformed), QoS 3 or retain handling 3
    /// (protocol errors).
    case invalidSubscriptionOptions(UInt8)
    /// MQTT 5.0: No Local on a shared subscription [MQTT-3.8.3-4].
    case noLocalOnSharedSubscription
    /// A reason code the packet type does not define (MQTT 3.1.1: a CONNACK return code above 5
    /// or a SUBACK return code other than 0, 1, 2 or 0x80).
    case invalidReasonCode(MQTTPacketType, UInt8)
    /// A property identifier that does not exist or that the packet may not carry (section
    /// 2.2.2.2 makes this a Malformed Packet).
    case invalidPropertyIdentifier(UInt32, in: MQTTPacketType)
    /// A property that may appear once, twice.
    case duplicateProperty(MQTTPropertyIdentifier)
    /// A property value the specification forbids: zero Receive Maximum, Maximum Packet Size or
    /// Subscription Identifier; a flag other than 0 or 1; a Response Topic with wildcards; a
    /// Subscription Identifier in a client's PUBLISH.
    case invalidPropertyValue(MQTTPropertyIdentifier)
    /// A property the packet needs is absent (Authentication Data without Authentication Method).
    case missingProperty(MQTTPropertyIdentifier)
    /// A Topic Alias of zero, or above the Topic Alias Maximum the receiver announced.
    case invalidTopicAlias(UInt16)

    /// The MQTT 5.0 reason code of the CONNACK or DISCONNECT that reports the error.
    public var reasonCode: MQTTReasonCode {
        switch self {
        case .reservedPacketType, .invalidFixedHeaderFlags, .malformedVariableByteInteger, .invalidRemainingLength,
            .unexpectedEndOfPacket, .trailingBytes, .invalidUTF8String, .invalidConnectFlags, .invalidConnAckFlags,
            .invalidPropertyIdentifier:
            .malformedPacket
        case .invalidSubscriptionOptions(let options):
            options & 0xC0 != 0 ? .malformedPacket : .protocolError
        case .firstPacketNotConnect, .secondConnect, .unexpectedPacketType, .zeroPacketIdentifier, .missingTopicName,
            .emptyPayload, .noLocalOnSharedSubscription, .invalidReasonCode, .duplicateProperty, .invalidPropertyValue,
            .missingProperty:
            .protocolError
        case .packetTooLarge: .packetTooLarge
        case .invalidProtocolName, .unsupportedProtocolVersion: .unsupportedProtocolVersion
        case .clientIdentifierRejected: .clientIdentifierNotValid
        case .invalidTopicName: .topicNameInvalid
        case .invalidTopicFilter: .topicFilterInvalid
        case .invalidTopicAlias: .topicAliasInvalid
        }
    }

    /// For a refused MQTT 3.1.1 CONNECT: the CONNACK return code to send before closing
    /// (1 for an unsupported protocol level, 2 for a rejected client identifier). Nil for every
    /// other error, after which a 3.1.1 server closes without sending anything [MQTT-4.8.0-1].
    public var v311ConnectReturnCode: UInt8? {
        switch self {
        case .unsupportedProtocolVersion, .clientIdentifierRejected: reasonCode.v311ConnectReturnCode
        default: nil
        }
    }

    public var description: String {
        let what: String =
            switch self {
            case .firstPacketNotConnect(let byte): "first packet is not CONNECT (first byte \(byte))"
            case .secondConnect: "second CONNECT"
            case .reservedPacketType(let type): "reserved packet type \(type)"
            case .unexpectedPacketType(let type): "unexpected \(type)"
            case .invalidFixedHeaderFlags(let type, let flags): "invalid fixed header flags \(flags) on \(type)"
            case .malformedVariableByteInteger: "malformed variable byte integer"
            case .invalidRemainingLength(let type, let length): "remaining length \(length) invalid for \(type)"
            case .packetTooLarge(let size, let maximum): "packet of \(size) bytes exceeds the maximum of \(maximum)"
            case .unexpectedEndOfPacket: "field runs past the end of the packet"
            case .trailingBytes: "bytes after the last field"
            case .invalidUTF8String: "string is not valid UTF-8 or contains U+0000"
            case .invalidProtocolName: "unknown protocol name"
            case .unsupportedProtocolVersion(let level): "unsupported protocol level \(level)"
            case .invalidConnectFlags(let flags): "invalid CONNECT flags \(flags)"
            case .invalidConnAckFlags(let flags): "invalid CONNACK flags \(flags)"
            case .clientIdentifierRejected: "empty client identifier without clean session"
            case .zeroPacketIdentifier(let type): "packet identifier 0 in \(type)"
            case .invalidTopicName: "invalid topic name"
            case .missingTopicName: "empty topic name without topic alias"
            case .invalidTopicFilter: "invalid topic filter"
            case .emptyPayload(let type): "\(type) without payload"
            case .invalidSubscriptionOptions(let options): "invalid subscription options \(options)"
            case .noLocalOnSharedSubscription: "No Local on a shared subscription"
            case .invalidReasonCode(let type, let code): "reason code \(code) invalid in \(type)"
            case .invalidPropertyIdentifier(let id, let type): "property \(id) invalid in \(type)"
            case .duplicateProperty(let id): "property \(id) repeated"
            case .invalidPropertyValue(let id): "invalid value of property \(id)"
            case .missingProperty(let id): "missing property \(id)"
            case .invalidTopicAlias(let alias): "invalid topic alias \(alias)"
            }
        return "MQTT \(reasonCode.name ?? "error"): \(what)"
    }
}
