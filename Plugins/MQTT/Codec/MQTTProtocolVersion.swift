/// The MQTT versions the codec speaks, by the protocol level a CONNECT carries.
///
/// MQTT 3.1 (level 3, protocol name "MQIsdp") is not among them: a 3.1 CONNECT is refused with
/// CONNACK return code 1 (unacceptable protocol version), which 3.1 and 3.1.1 clients both read.
public enum MQTTProtocolVersion: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// MQTT 3.1.1 (OASIS standard, 2014): protocol level 4.
    case v3_1_1 = 4
    /// MQTT 5.0 (OASIS standard, 2019): protocol level 5; adds properties and reason codes.
    case v5 = 5

    /// The protocol level byte of CONNECT.
    public var level: UInt8 { rawValue }

    public var description: String {
        switch self {
        case .v3_1_1: "MQTT 3.1.1"
        case .v5: "MQTT 5.0"
        }
    }
}
