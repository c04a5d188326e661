/// One MQTT control packet, of either version. The associated structs hold the fields of both
/// versions; fields MQTT 3.1.1 does not have (properties, most reason codes) stay at their
/// defaults when decoding 3.1.1 and are left out when encoding it.
public enum MQTTPacket: Hashable, Sendable {
    // CONNECT, with two property lists, is the largest and rarest: on the heap it keeps the
    // enum, which every PUBLISH travels in, no larger than a PUBLISH.
    indirect case connect(Connect)
    case connAck(ConnAck)
    case publish(Publish)
    case pubAck(PublishResponse)
    case pubRec(PublishResponse)
    case pubRel(PublishResponse)
    case pubComp(PublishResponse)
    case subscribe(Subscribe)
    case subAck(SubAck)
    case unsubscribe(Unsubscribe)
    case unsubAck(UnsubAck)
    case pingReq
    case pingResp
    case disconnect(Disconnect)
    /// MQTT 5.0 only.
    case auth(Auth)

    public var type: MQTTPacketType {
        switch self {
        case .connect: .connect
        case .connAck: .connAck
        case .publish: .publish
        case .pubAck: .pubAck
        case .pubRec: .pubRec
        case .pubRel: .pubRel
        case .pubComp: .pubComp
        case .subscribe: .subscribe
        case .subAck: .subAck
        case .unsubscribe: .unsubscribe
        case .unsubAck: .unsubAck
        case .pingReq: .pingReq
        case .pingResp: .pingResp
        case .disconnect: .disconnect
        case .auth: .auth
        }
    }
}
