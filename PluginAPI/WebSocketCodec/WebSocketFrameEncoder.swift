/// Serializes WebSocket frames (RFC 6455 section 5.2) with the minimal length encoding.
///
/// Servers send unmasked frames; clients mask every frame with a fresh random key (section
/// 5.3), which the caller supplies so tests can use fixed ones.
public enum WebSocketFrameEncoder {
    /// Appends `frame` to `output`.
    ///
    /// - Parameters:
    ///   - maskingKey: nil for a server frame; four bytes for a client frame.
    ///   - output: caller-owned buffer.
    /// - Precondition: a control frame has FIN set and at most 125 payload bytes.
    public static func encode(_ frame: WebSocketFrame, maskingKey: [UInt8]? = nil, into output: inout [UInt8]) {
        precondition(!frame.opcode.isControl || (frame.fin && frame.payload.count <= 125), "invalid control frame")
        precondition(maskingKey.map { $0.count == 4 } ?? true, "a masking key has four bytes")
        let bits: UInt8 = (frame.fin ? 0x80 : 0) | (frame.rsv1 ? 0x40 : 0) | (frame.rsv2 ? 0x20 : 0) | (frame.rsv3 ? 0x10 : 0)
        output.append(bits | frame.opcode.rawValue)
        let mask: UInt8 = maskingKey == nil ? 0 : 0x80
        let length = frame.payload.count
        if length <= 125 {
            output.append(mask | UInt8(length))
        } else if length <= 0xFFFF {
            output.append(mask | 126)
            output.append(contentsOf: [UInt8(length >> 8), UInt8(length & 0xFF)])
        } else {
            output.append(mask | 127)
            output.append(contentsOf: (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) })
        }
        guard let key = maskingKey else {
            output.append(contentsOf: frame.payload)
            return
        }
        output.append(contentsOf: key)
        output.append(contentsOf: frame.payload.enumerated().map { $0.element ^ key[$0.offset & 3] })
    }

    /// Appends a close frame with `code` and `reason`.
    ///
    /// - Precondition: `code` may be sent (``WebSocketMessageAssembler/isValidCloseCode(_:)``)
    ///   and `reason` has at most 123 UTF-8 bytes, so the payload fits a control frame.
    public static func encodeClose(code: UInt16, reason: String = "", maskingKey: [UInt8]? = nil, into output: inout [UInt8]) {
        precondition(WebSocketMessageAssembler.isValidCloseCode(code), "close code \(code) must not be sent")
        precondition(reason.utf8.count <= 123, "close reason over 123 bytes")
        let payload = [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
        encode(WebSocketFrame(opcode: .close, payload: payload), maskingKey: maskingKey, into: &output)
    }
}
