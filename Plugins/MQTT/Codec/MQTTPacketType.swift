/// The MQTT control packet types: the high nibble of a packet's first byte.
///
/// The values 0 and (in MQTT 3.1.1) 15 are reserved and never decode to a type.
public enum MQTTPacketType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case connect = 1
    case connAck = 2
    case publish = 3
    case pubAck = 4
    case pubRec = 5
    case pubRel = 6
    case pubComp = 7
    case subscribe = 8
    case subAck = 9
    case unsubscribe = 10
    case unsubAck = 11
    case pingReq = 12
    case pingResp = 13
    case disconnect = 14
    /// MQTT 5.0 only.
    case auth = 15

    /// Whether a client may send this type to a server. A server that receives any other type
    /// (CONNACK, SUBACK, UNSUBACK, PINGRESP) closes the connection.
    public var isSentByClient: Bool {
        switch self {
        case .connAck, .subAck, .unsubAck, .pingResp: false
        default: true
        }
    }

    /// Whether a server may send this type to a client.
    public var isSentByServer: Bool {
        switch self {
        case .connect, .subscribe, .unsubscribe, .pingReq: false
        default: true
        }
    }

    /// The low nibble of the first byte every packet of this type must carry; PUBLISH alone uses
    /// it for its own flags (DUP, QoS, RETAIN) and has none fixed.
    var requiredFlags: UInt8? {
        switch self {
        case .publish: nil
        case .pubRel, .subscribe, .unsubscribe: 0b0010
        default: 0
        }
    }

    public var description: String {
        switch self {
        case .connect: "CONNECT"
        case .connAck: "CONNACK"
        case .publish: "PUBLISH"
        case .pubAck: "PUBACK"
        case .pubRec: "PUBREC"
        case .pubRel: "PUBREL"
        case .pubComp: "PUBCOMP"
        case .subscribe: "SUBSCRIBE"
        case .subAck: "SUBACK"
        case .unsubscribe: "UNSUBSCRIBE"
        case .unsubAck: "UNSUBACK"
        case .pingReq: "PINGREQ"
        case .pingResp: "PINGRESP"
        case .disconnect: "DISCONNECT"
        case .auth: "AUTH"
        }
    }
}
