@_spi(Decoding) import IncrementalDecoding

/// Incremental WebSocket frame decoder (RFC 6455 section 5): bytes in, unmasked frames out.
///
/// Strict, since no extension is ever negotiated: RSV bits and reserved opcodes are errors,
/// control frames must be unfragmented and at most 125 bytes, lengths must use their minimal
/// encoding, and masking must match the sender's role. The frame size is checked from the header,
/// before the payload buffer is reserved, so a peer cannot make the decoder allocate more than
/// `maxFrameSize` per frame. Errors carry the close code to send; the decoder stays failed after.
///
/// Loop, like the HTTP decoders: `append` what was read, then `next()` until nil.
public struct WebSocketFrameDecoder: Sendable, IncrementalParser {
    /// Which end of the connection decodes: a server reads client frames, which must be masked;
    /// a client reads server frames, which must not be (RFC 6455 section 5.1).
    public enum Role: Sendable {
        case server
        case client
    }

    public let role: Role
    /// Largest payload accepted in one frame.
    public let maxFrameSize: Int
    @_spi(Decoding) public var backlog = DecoderBacklog<WebSocketFrame, WebSocketError>()

    /// The header bytes read so far (2 to 14).
    private var header: [UInt8] = []
    /// The frame whose payload is being read, with its bytes still to come.
    private var frame: WebSocketFrame?
    private var remaining = 0

    /// - Parameters:
    ///   - role: `.server` (the default) expects masked frames from a client.
    ///   - maxFrameSize: default 64 KiB: messages worth more are fragmented by any sensible
    ///     client, and frames beyond it are refused with 1009 before their payload arrives.
    ///     (A 63-bit length is allowed by the wire format; honouring it is not.)
    public init(role: Role = .server, maxFrameSize: Int = 1 << 16) {
        precondition(maxFrameSize >= 125, "control frames need 125 bytes")
        self.role = role
        self.maxFrameSize = maxFrameSize
        header.reserveCapacity(14)
    }

    /// Hands bytes read from the connection to the decoder. Errors are reported by ``next()``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        feed(bytes)
    }

    /// The next complete frame, or nil until more bytes arrive.
    ///
    /// - Throws: the ``WebSocketError`` that ended the stream, after the frames before it.
    public mutating func next() throws(WebSocketError) -> WebSocketFrame? {
        try nextMessage()
    }

    /// Whether no part of a frame is buffered.
    public var isIdle: Bool {
        backlog.isEmpty && header.isEmpty
    }

    /// Bytes received and not yet returned as a frame.
    public var bufferedByteCount: Int { unreturnedByteCount }

    @_spi(Decoding) public var partialByteCount: Int { header.count &+ (frame?.payload.count ?? 0) }

    @_spi(Decoding) public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(WebSocketError) -> (consumed: Int, message: (WebSocketFrame, Int)?) {
        var index = 0
        if frame == nil {
            while header.count < headerLength {
                guard index < bytes.count else { return (index, nil) }
                header.append(bytes[index])
                index &+= 1
                if header.count == 2 { try checkFirstTwoBytes() }
            }
            try startPayload()
        }
        let count = min(remaining, bytes.count &- index)
        if count > 0 {
            let start = frame!.payload.count
            frame!.payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index &+ count]))
            if role == .server { unmask(from: start) }
            index &+= count
            remaining &-= count
        }
        guard remaining == 0, let done = frame else { return (index, nil) }
        let byteCount = partialByteCount
        frame = nil
        header.removeAll(keepingCapacity: true)
        return (index, (done, byteCount))
    }

    /// The header's full length, known once its first two bytes are.
    private var headerLength: Int {
        guard header.count >= 2 else { return 2 }
        let extended = switch header[1] & 0x7F {
        case 126: 2
        case 127: 8
        default: 0
        }
        return 2 &+ extended &+ (header[1] & 0x80 != 0 ? 4 : 0)
    }

    /// Checks FIN, RSV, opcode, mask bit and the 7-bit length as soon as they arrive.
    private func checkFirstTwoBytes() throws(WebSocketError) {
        guard header[0] & 0x70 == 0 else { throw .reservedBitsSet }
        guard let opcode = WebSocketFrame.Opcode(rawValue: header[0] & 0x0F) else { throw .reservedOpcode }
        if opcode.isControl {
            guard header[0] & 0x80 != 0 else { throw .fragmentedControlFrame }
            guard header[1] & 0x7F <= 125 else { throw .controlFrameTooLong }
        }
        let masked = header[1] & 0x80 != 0
        switch role {
        case .server: guard masked else { throw .unmaskedFrame }
        case .client: guard !masked else { throw .maskedFrame }
        }
    }

    /// Decodes the length from a complete header, checks it, and reserves the payload.
    private mutating func startPayload() throws(WebSocketError) {
        let length7 = Int(header[1] & 0x7F)
        var length = length7
        if length7 >= 126 {
            let width = length7 == 126 ? 2 : 8
            guard length7 == 126 || header[2] & 0x80 == 0 else { throw .lengthHighBitSet }
            length = header[2..<(2 &+ width)].reduce(0) { $0 << 8 | Int($1) }
            guard length > (width == 2 ? 125 : 0xFFFF) else { throw .nonMinimalLength }
        }
        guard length <= maxFrameSize else { throw .frameTooBig }
        var payload: [UInt8] = []
        payload.reserveCapacity(length)
        frame = WebSocketFrame(
            fin: header[0] & 0x80 != 0, opcode: WebSocketFrame.Opcode(rawValue: header[0] & 0x0F)!, payload: payload)
        remaining = length
    }

    /// XORs the payload bytes from `start` on with the masking key (RFC 6455 section 5.3).
    private mutating func unmask(from start: Int) {
        let keyStart = header.count &- 4
        let key = (header[keyStart], header[keyStart &+ 1], header[keyStart &+ 2], header[keyStart &+ 3])
        frame!.payload.withUnsafeMutableBufferPointer { payload in
            for i in start..<payload.count {
                switch i & 3 {
                case 0: payload[i] ^= key.0
                case 1: payload[i] ^= key.1
                case 2: payload[i] ^= key.2
                default: payload[i] ^= key.3
                }
            }
        }
    }
}
