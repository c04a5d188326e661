/// Why a WebSocket peer's frames were rejected, with the close code (RFC 6455 section 7.4.1) the
/// endpoint sends before it closes.
///
/// The decoder and assembler stay failed after one: the stream's framing can no longer be
/// trusted. Equality compares the kind of fault.
public struct WebSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: Sendable, Hashable {
        case reservedBitsSet, reservedOpcode, fragmentedControlFrame, controlFrameTooLong
        case unmaskedFrame, maskedFrame, nonMinimalLength, lengthHighBitSet, frameTooBig
        case unexpectedContinuation, expectedContinuation, messageTooBig, invalidUTF8
        case badClosePayload, badCloseCode
    }

    let code: Code

    /// 1002 (protocol error), 1007 (invalid payload data) or 1009 (message too big).
    public var closeCode: UInt16 {
        switch code {
        case .frameTooBig, .messageTooBig: 1009
        case .invalidUTF8: 1007
        default: 1002
        }
    }

    /// One line for the log and the close frame's reason; never contains peer bytes.
    public var reason: String {
        switch code {
        case .reservedBitsSet: "reserved bits set without an extension"
        case .reservedOpcode: "reserved opcode"
        case .fragmentedControlFrame: "fragmented control frame"
        case .controlFrameTooLong: "control frame payload over 125 bytes"
        case .unmaskedFrame: "unmasked frame from client"
        case .maskedFrame: "masked frame from server"
        case .nonMinimalLength: "payload length not minimally encoded"
        case .lengthHighBitSet: "64-bit payload length with the high bit set"
        case .frameTooBig: "frame too big"
        case .unexpectedContinuation: "continuation frame without a message to continue"
        case .expectedContinuation: "new data frame inside a fragmented message"
        case .messageTooBig: "message too big"
        case .invalidUTF8: "text is not valid UTF-8"
        case .badClosePayload: "close payload of one byte"
        case .badCloseCode: "close code not allowed on the wire"
        }
    }

    public var description: String { "\(closeCode) \(reason)" }

    init(_ code: Code) { self.code = code }

    /// RSV1–3 set: no extension is ever negotiated (1002).
    public static let reservedBitsSet = WebSocketError(.reservedBitsSet)
    /// Opcode 3–7 or 0xB–0xF (1002).
    public static let reservedOpcode = WebSocketError(.reservedOpcode)
    /// A close, ping or pong without FIN (1002).
    public static let fragmentedControlFrame = WebSocketError(.fragmentedControlFrame)
    /// A control frame with more than 125 payload bytes (1002).
    public static let controlFrameTooLong = WebSocketError(.controlFrameTooLong)
    /// A client frame without a mask (1002, RFC 6455 section 5.1).
    public static let unmaskedFrame = WebSocketError(.unmaskedFrame)
    /// A server frame with a mask (1002, RFC 6455 section 5.1).
    public static let maskedFrame = WebSocketError(.maskedFrame)
    /// A 16- or 64-bit length that fits a shorter form; RFC 6455 section 5.2 requires the
    /// minimal one (1002).
    public static let nonMinimalLength = WebSocketError(.nonMinimalLength)
    /// A 64-bit length with its most significant bit set (1002).
    public static let lengthHighBitSet = WebSocketError(.lengthHighBitSet)
    /// A frame longer than the decoder's `maxFrameSize` (1009), known from its header.
    public static let frameTooBig = WebSocketError(.frameTooBig)
    /// A continuation frame with no fragmented message started (1002).
    public static let unexpectedContinuation = WebSocketError(.unexpectedContinuation)
    /// A text or binary frame while a fragmented message is unfinished (1002).
    public static let expectedContinuation = WebSocketError(.expectedContinuation)
    /// A message longer than the assembler's `maxMessageSize` (1009).
    public static let messageTooBig = WebSocketError(.messageTooBig)
    /// A text message or close reason that is not UTF-8 (1007).
    public static let invalidUTF8 = WebSocketError(.invalidUTF8)
    /// A close payload of exactly one byte (1002): a code takes two.
    public static let badClosePayload = WebSocketError(.badClosePayload)
    /// A close code outside 1000–1003, 1007–1011 and 3000–4999 (1002).
    public static let badCloseCode = WebSocketError(.badCloseCode)
}
