/// Why a datagram is not a CoAP message (a "message format error", RFC 7252 section 3 and
/// 4.1), with what could be read of its header: a confirmable message is rejected with a Reset
/// carrying its message ID (section 4.2); anything else is silently ignored (section 4.3: a
/// Reset to a non-confirmable message is allowed, never required, and ACKs and RSTs are never
/// answered).
public struct CoAPDecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Fewer than the four header bytes.
        case truncatedHeader
        /// Version bits other than 1.
        case unsupportedVersion(UInt8)
        /// Token length 9 to 15 (reserved).
        case invalidTokenLength(UInt8)
        /// The datagram ends inside the token.
        case truncatedToken
        /// An option delta or length nibble of 15 outside the payload marker.
        case reservedOptionNibble
        /// The datagram ends inside an option's extended delta, length or value.
        case truncatedOption
        /// An option number beyond 65535.
        case optionNumberOverflow
        /// A payload marker (0xFF) followed by nothing.
        case payloadMarkerWithoutPayload
        /// Code 0.00 with a token, options or payload; a non-confirmable Empty message; a Reset
        /// that is not Empty.
        case invalidEmptyMessage
        /// A code of class 1, 6 or 7.
        case reservedCodeClass(UInt8)
    }

    public var reason: Reason
    /// Present once the four header bytes were read (and the version was 1).
    public var type: CoAPMessageType?
    public var messageID: UInt16?

    public init(_ reason: Reason, type: CoAPMessageType? = nil, messageID: UInt16? = nil) {
        self.reason = reason
        self.type = type
        self.messageID = messageID
    }

    /// The Reset to send back, when the RFC asks for one: for a confirmable message only.
    public var reset: CoAPMessage? {
        guard type == .confirmable, let messageID else { return nil }
        return .reset(messageID)
    }

    public var description: String {
        switch reason {
        case .truncatedHeader: "datagram shorter than the 4-byte CoAP header"
        case .unsupportedVersion(let version): "CoAP version \(version) (only 1 exists)"
        case .invalidTokenLength(let length): "token length \(length) (at most 8)"
        case .truncatedToken: "datagram ends inside the token"
        case .reservedOptionNibble: "option delta or length nibble 15 outside the payload marker"
        case .truncatedOption: "datagram ends inside an option"
        case .optionNumberOverflow: "option number beyond 65535"
        case .payloadMarkerWithoutPayload: "payload marker without payload"
        case .invalidEmptyMessage: "Empty message with content, a non-confirmable Empty message or a non-empty Reset"
        case .reservedCodeClass(let codeClass): "code of reserved class \(codeClass)"
        }
    }
}
