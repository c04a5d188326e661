/// Encodes a message into one datagram (RFC 7252 section 3): options as deltas in number order
/// with the shortest extension, the payload marker only before a payload.
public enum CoAPEncoder {
    public static func encode(_ message: CoAPMessage) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(message, into: &bytes)
        return bytes
    }

    /// Appends the datagram to `bytes`.
    public static func encode(_ message: CoAPMessage, into bytes: inout [UInt8]) {
        precondition(message.token.count <= CoAPMessage.maximumTokenLength, "a CoAP token has at most 8 bytes")
        bytes.reserveCapacity(bytes.count + 4 + message.token.count + message.options.count * 4 + 1 + message.payload.count)
        bytes.append(1 << 6 | message.type.rawValue << 4 | UInt8(message.token.count))
        bytes.append(message.code.rawValue)
        bytes.append(UInt8(message.messageID >> 8))
        bytes.append(UInt8(message.messageID & 0xFF))
        bytes.append(contentsOf: message.token)
        var previous = 0
        for option in inNumberOrder(message.options) {
            let number = Int(option.number.rawValue)
            let (deltaNibble, deltaExtension) = split(number - previous)
            let (lengthNibble, lengthExtension) = split(option.value.count)
            bytes.append(deltaNibble << 4 | lengthNibble)
            bytes.append(contentsOf: deltaExtension)
            bytes.append(contentsOf: lengthExtension)
            bytes.append(contentsOf: option.value)
            previous = number
        }
        if !message.payload.isEmpty {
            bytes.append(0xFF)
            bytes.append(contentsOf: message.payload)
        }
    }

    /// `options` sorted by number, repeated options in their given order (Uri-Path segments);
    /// `options` is a public var, so it may have been assigned out of order.
    private static func inNumberOrder(_ options: [CoAPOption]) -> [CoAPOption] {
        guard zip(options, options.dropFirst()).contains(where: { $0.number > $1.number }) else { return options }
        return options.enumerated().sorted { ($0.element.number, $0.offset) < ($1.element.number, $1.offset) }.map(\.element)
    }

    /// The nibble and extension bytes for a delta or length (at most 65804).
    private static func split(_ value: Int) -> (UInt8, [UInt8]) {
        precondition(value <= 65_804, "CoAP option delta or length \(value) cannot be encoded")
        switch value {
        case ..<13: return (UInt8(value), [])
        case ..<269: return (13, [UInt8(value - 13)])
        default: return (14, [UInt8((value - 269) >> 8), UInt8((value - 269) & 0xFF)])
        }
    }
}
