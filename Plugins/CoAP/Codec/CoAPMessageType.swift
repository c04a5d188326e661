/// The two-bit message type of RFC 7252 section 3: what the receiver owes the sender.
public enum CoAPMessageType: UInt8, Hashable, Sendable, CustomStringConvertible {
    /// Retransmitted until acknowledged (ACK) or rejected (RST).
    case confirmable = 0
    /// Never acknowledged; may be rejected with RST.
    case nonConfirmable = 1
    /// Answers a confirmable message with its message ID; may carry a piggybacked response.
    case acknowledgement = 2
    /// Rejects a message (always Empty); never answered.
    case reset = 3

    public var description: String { ["CON", "NON", "ACK", "RST"][Int(rawValue)] }
}
