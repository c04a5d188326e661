/// Decodes one datagram into a message (RFC 7252 section 3). A datagram is a whole message, so
/// there is no buffering and no state; the result never refers to the input's memory.
public enum CoAPDecoder {
    public static func decode(_ datagram: [UInt8]) throws(CoAPDecodeError) -> CoAPMessage {
        // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        try datagram.withUnsafeBytes { bytes in Result { () throws(CoAPDecodeError) in try decode(bytes) } }.get()
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(CoAPDecodeError) -> CoAPMessage {
        guard bytes.count >= 4 else { throw CoAPDecodeError(.truncatedHeader) }
        let first = bytes[0]
        guard first >> 6 == 1 else { throw CoAPDecodeError(.unsupportedVersion(first >> 6)) }
        let type = CoAPMessageType(rawValue: first >> 4 & 0x03)!
        let code = CoAPCode(rawValue: bytes[1])
        let messageID = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        func failure(_ reason: CoAPDecodeError.Reason) -> CoAPDecodeError {
            CoAPDecodeError(reason, type: type, messageID: messageID)
        }

        let tokenLength = Int(first & 0x0F)
        guard tokenLength <= CoAPMessage.maximumTokenLength else { throw failure(.invalidTokenLength(UInt8(tokenLength))) }
        guard bytes.count >= 4 + tokenLength else { throw failure(.truncatedToken) }
        if code.isEmpty {
            // Section 4.1: nothing may follow the message ID; section 4.3: NON is never Empty.
            guard bytes.count == 4 && tokenLength == 0 && type != .nonConfirmable else { throw failure(.invalidEmptyMessage) }
            return CoAPMessage(type: type, code: code, messageID: messageID)
        }
        guard type != .reset else { throw failure(.invalidEmptyMessage) }
        guard !code.isReserved else { throw failure(.reservedCodeClass(code.codeClass)) }

        var message = CoAPMessage(type: type, code: code, messageID: messageID, token: Array(bytes[4..<4 + tokenLength]))
        var index = 4 + tokenLength
        var number = 0
        while index < bytes.count {
            let header = bytes[index]
            index += 1
            if header == 0xFF {
                guard index < bytes.count else { throw failure(.payloadMarkerWithoutPayload) }
                message.payload = Array(bytes[index...])
                break
            }
            guard let delta = extended(header >> 4, bytes, &index), let length = extended(header & 0x0F, bytes, &index) else {
                throw failure(header >> 4 == 15 || header & 0x0F == 15 ? .reservedOptionNibble : .truncatedOption)
            }
            number += delta
            guard number <= Int(UInt16.max) else { throw failure(.optionNumberOverflow) }
            guard bytes.count - index >= length else { throw failure(.truncatedOption) }
            // Appended, not `add`ed: the wire order is number order already.
            message.options.append(CoAPOption(CoAPOptionNumber(UInt16(number)), Array(bytes[index..<index + length])))
            index += length
        }
        return message
    }

    /// A delta or length: nibbles 0-12 as they are, 13 and 14 with one or two extension bytes
    /// (+13, +269); nil for 15 or a truncated extension.
    private static func extended(_ nibble: UInt8, _ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> Int? {
        switch nibble {
        case 13:
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return Int(bytes[index]) + 13
        case 14:
            guard index + 1 < bytes.count else { return nil }
            defer { index += 2 }
            return (Int(bytes[index]) << 8 | Int(bytes[index + 1])) + 269
        case 15:
            return nil
        default:
            return Int(nibble)
        }
    }
}
