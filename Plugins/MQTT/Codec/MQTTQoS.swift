/// The delivery guarantee of a message or subscription. The value 3 is malformed wherever a QoS
/// appears, so it has no case.
public enum MQTTQoS: UInt8, Sendable, Hashable, Comparable, CaseIterable {
    /// QoS 0: fire and forget, no packet identifier, no acknowledgement.
    case atMostOnce = 0
    /// QoS 1: acknowledged by PUBACK; may arrive more than once.
    case atLeastOnce = 1
    /// QoS 2: the PUBREC, PUBREL, PUBCOMP exchange; arrives exactly once.
    case exactlyOnce = 2

    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool { lhs.rawValue < rhs.rawValue }
}
