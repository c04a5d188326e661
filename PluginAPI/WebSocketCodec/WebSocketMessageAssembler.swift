@_spi(Decoding) import IncrementalDecoding
import TributarySDK

/// Turns decoded frames into messages (RFC 6455 section 5.4): joins fragments, passes control
/// frames through, validates text and close frames.
///
/// Control frames may arrive between the fragments of a message and are reported at once, so a
/// ping is answered while a large message is still arriving. Text is validated once the message
/// is complete. Errors carry the close code to send; after one, close the connection.
public struct WebSocketMessageAssembler: Sendable {
    /// Largest message, all fragments together.
    public let maxMessageSize: Int
    private var fragments: [UInt8] = []
    /// The opcode of the unfinished fragmented message, if any.
    private var fragmentedOpcode: WebSocketFrame.Opcode?

    /// - Parameter maxMessageSize: default 1 MiB, like ``HTTPDecoderLimits/maxBodyBytes``;
    ///   longer messages are refused with 1009 before their bytes are kept.
    public init(maxMessageSize: Int = 1 << 20) {
        self.maxMessageSize = maxMessageSize
    }

    /// Whether a fragmented message is unfinished.
    public var isAssembling: Bool { fragmentedOpcode != nil }

    /// Adds one frame (unmasked, as the decoder yields it).
    ///
    /// - Returns: the event the frame completes, or nil for a fragment that does not end its
    ///   message.
    /// - Throws: ``WebSocketError`` with the close code to send.
    public mutating func assemble(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketEvent? {
        switch frame.opcode {
        case .ping:
            return .ping(frame.payload)
        case .pong:
            return .pong(frame.payload)
        case .close:
            return try Self.close(frame.payload)
        case .text, .binary:
            guard fragmentedOpcode == nil else { throw .expectedContinuation }
            guard frame.payload.count <= maxMessageSize else { throw .messageTooBig }
            if frame.fin { return try Self.message(frame.opcode, frame.payload) }
            fragmentedOpcode = frame.opcode
            fragments = frame.payload
            return nil
        case .continuation:
            guard let opcode = fragmentedOpcode else { throw .unexpectedContinuation }
            guard frame.payload.count <= maxMessageSize &- fragments.count else { throw .messageTooBig }
            fragments.reserveCapped(fragments.count &+ frame.payload.count, limit: maxMessageSize)
            fragments.append(contentsOf: frame.payload)
            guard frame.fin else { return nil }
            defer {
                fragments = []
                fragmentedOpcode = nil
            }
            return try Self.message(opcode, fragments)
        }
    }

    /// Whether `code` may appear in a close frame (RFC 6455 section 7.4): the defined codes that
    /// are not reserved for local use (1004–1006 and 1015 are not), and 3000–4999 for libraries,
    /// frameworks and applications.
    public static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: true
        default: false
        }
    }

    private static func message(_ opcode: WebSocketFrame.Opcode, _ payload: [UInt8]) throws(WebSocketError) -> WebSocketEvent {
        guard opcode == .text else { return .binary(payload) }
        return .text(try text(payload))
    }

    /// A close payload is empty, or a 2-byte code and a UTF-8 reason (RFC 6455 section 5.5.1).
    private static func close(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketEvent {
        guard !payload.isEmpty else { return .close(code: nil, reason: "") }
        guard payload.count >= 2 else { throw .badClosePayload }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard isValidCloseCode(code) else { throw .badCloseCode }
        return .close(code: code, reason: try text(payload[2...]))
    }

    private static func text(_ bytes: some Collection<UInt8>) throws(WebSocketError) -> String {
        let contiguous = Array(bytes)
        guard contiguous.withUnsafeBytes({ UTF8Validation.isValid($0) }) else { throw .invalidUTF8 }
        return String(decoding: contiguous, as: UTF8.self)
    }
}
