/// An incremental MQTT decoder for one connection: bytes go in as they arrive, whole packets
/// come out. Pure: no sockets, no threads, no clock.
///
/// As a server (the default) it reads what a client sends. The first packet must be CONNECT,
/// whose protocol level fixes `version`; MQTT 3.1 and unknown levels are refused. As a client
/// (`init(clientVersion:)`, for tests and bridges) it reads what a server sends.
///
/// Every protocol violation throws an `MQTTDecodeError` and is final: the connection must close,
/// after sending what `reply(to:)` returns. The maximum packet size is enforced from the fixed
/// header alone, so an oversized packet fails before its body is buffered; what the decoder holds
/// is at most one partial packet within that size plus the bytes of one `append`.
///
/// Decoding a PUBLISH allocates its payload and, when longer than 15 bytes, its topic; properties
/// allocate only for the strings and binary data they carry.
public struct MQTTDecoder: Sendable {
    /// 256 KiB: far above what devices publish, and a bound on what one connection can make the
    /// server hold. The server announces its limit in CONNACK (Maximum Packet Size), so that
    /// MQTT 5.0 clients do not exceed it; 3.1.1 clients learn it by being disconnected.
    public static let defaultMaximumPacketSize = 256 * 1024

    /// The largest packet accepted, in bytes, fixed header included (the MQTT 5.0 definition).
    public let maximumPacketSize: Int
    /// The largest CONNECT accepted: one needs a few KiB, and before authentication a client
    /// should not make the server hold a packet the size of a publish.
    public let maximumConnectPacketSize: Int

    private var parser: MQTTPacketParser
    private var buffer: [UInt8] = []
    /// Where the next packet starts in `buffer`; bytes before it are consumed.
    private var readIndex = 0
    private var failure: MQTTDecodeError?

    /// A server's decoder.
    /// - Parameters:
    ///   - maximumPacketSize: the largest packet accepted, at least 2 bytes; larger packets fail
    ///     with `packetTooLarge`. Clamped to the protocol's own limit (2^28 + 4 bytes).
    ///   - maximumConnectPacketSize: the largest CONNECT accepted (nil: `maximumPacketSize`).
    ///   - topicAliasMaximum: the Topic Alias Maximum the server announces in CONNACK; a MQTT 5.0
    ///     PUBLISH with a topic alias of zero or above it fails. Zero (the default) refuses all.
    public init(
        maximumPacketSize: Int = MQTTDecoder.defaultMaximumPacketSize, maximumConnectPacketSize: Int? = nil,
        topicAliasMaximum: UInt16 = 0
    ) {
        self.init(
            isServer: true, version: nil, maximumPacketSize: maximumPacketSize,
            maximumConnectPacketSize: maximumConnectPacketSize, topicAliasMaximum: topicAliasMaximum)
    }

    /// A client's decoder, for a connection whose CONNECT asked for `clientVersion`.
    /// `topicAliasMaximum` is the one the client announced in CONNECT.
    public init(
        clientVersion: MQTTProtocolVersion, maximumPacketSize: Int = MQTTDecoder.defaultMaximumPacketSize,
        topicAliasMaximum: UInt16 = 0
    ) {
        self.init(
            isServer: false, version: clientVersion, maximumPacketSize: maximumPacketSize,
            maximumConnectPacketSize: nil, topicAliasMaximum: topicAliasMaximum)
    }

    private init(
        isServer: Bool, version: MQTTProtocolVersion?, maximumPacketSize: Int, maximumConnectPacketSize: Int?,
        topicAliasMaximum: UInt16
    ) {
        precondition(maximumPacketSize >= 2, "an MQTT packet takes at least 2 bytes")
        self.maximumPacketSize = min(maximumPacketSize, 1 + 4 + MQTTWire.maximumVariableByteInteger)
        self.maximumConnectPacketSize = max(2, min(maximumConnectPacketSize ?? .max, self.maximumPacketSize))
        parser = MQTTPacketParser(isServer: isServer, version: version, topicAliasMaximum: topicAliasMaximum)
    }

    /// The protocol version of the connection: nil on a server until a CONNECT has been decoded.
    public var version: MQTTProtocolVersion? { parser.negotiatedVersion }

    /// The Topic Alias Maximum PUBLISH packets are checked against; change it when the value
    /// announced changes (a server that decides it per client, after CONNECT).
    public var topicAliasMaximum: UInt16 {
        get { parser.topicAliasMaximum }
        set { parser.topicAliasMaximum = newValue }
    }

    /// Bytes received and not yet returned as packets.
    public var bufferedByteCount: Int { buffer.count &- readIndex }

    /// Adds received bytes, which are copied. Ignored once the decoder has failed.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        if readIndex == buffer.count {
            // A large packet's capacity is not kept for a connection that may idle for days.
            buffer.removeAll(keepingCapacity: buffer.capacity <= 16 * 1024)
            readIndex = 0
        } else if readIndex >= 4096 && readIndex >= buffer.count &- readIndex {
            // Moving the unread tail costs no more than the bytes consumed since the last move.
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete packet, or nil until more bytes arrive.
    /// - Throws: the first protocol violation found; it is thrown again by every later call.
    public mutating func next() throws(MQTTDecodeError) -> MQTTPacket? {
        if let failure { throw failure }
        do throws(MQTTDecodeError) {
            return try decodeNext()
        } catch {
            failure = error
            throw error
        }
    }

    /// What to send before closing the connection over `error`, in which version to encode it,
    /// or nil to close without sending anything:
    /// - while refusing a CONNECT: a CONNACK with the error's reason code (5.0), or with its
    ///   return code when 3.1.1 has one; a CONNECT for an unknown protocol level (3.1 among
    ///   them) gets a 3.1.1 CONNACK with return code 1, which older clients read too;
    /// - after CONNECT: a DISCONNECT with the reason code (5.0), nothing in 3.1.1;
    /// - when the first packet was not CONNECT: nothing [MQTT-3.1.0-1].
    public func reply(to error: MQTTDecodeError) -> (packet: MQTTPacket, version: MQTTProtocolVersion)? {
        if case .firstPacketNotConnect = error { return nil }
        if let version = parser.negotiatedVersion {
            guard version == .v5 else { return nil }
            return (.disconnect(MQTTPacket.Disconnect(reasonCode: error.reasonCode)), .v5)
        }
        switch parser.attemptedVersion {
        case .v5?:
            return (.connAck(MQTTPacket.ConnAck(reasonCode: error.reasonCode)), .v5)
        case .v3_1_1?:
            guard error.v311ConnectReturnCode != nil else { return nil }
            return (.connAck(MQTTPacket.ConnAck(reasonCode: error.reasonCode)), .v3_1_1)
        case nil:
            guard case .unsupportedProtocolVersion = error else { return nil }
            return (.connAck(MQTTPacket.ConnAck(reasonCode: .unsupportedProtocolVersion)), .v3_1_1)
        }
    }

    private mutating func decodeNext() throws(MQTTDecodeError) -> MQTTPacket? {
        let available = bufferedByteCount
        guard available > 0 else { return nil }
        let firstByte = buffer[readIndex]
        let type = try parser.packetType(firstByte: firstByte)

        let start = readIndex
        let lengthField = buffer.withUnsafeBytes { raw in
            Result { () throws(MQTTDecodeError) in
                try MQTTByteReader.variableByteInteger(at: raw.baseAddress! + start + 1, available: available - 1)
            }
        }
        guard let (remainingLength, lengthSize) = try lengthField.get() else { return nil }
        let size = 1 + lengthSize + Int(remainingLength)
        let maximum = type == .connect ? maximumConnectPacketSize : maximumPacketSize
        guard size <= maximum else { throw .packetTooLarge(size: size, maximum: maximum) }
        try parser.checkRemainingLength(Int(remainingLength), of: type)
        // Nothing is reserved for the body: memory follows the bytes that actually arrive, so a
        // peer that announces large packets and sends nothing costs nothing.
        guard available >= size else { return nil }

        let bodyStart = readIndex + 1 + lengthSize
        let bodyEnd = readIndex + size
        readIndex = bodyEnd
        // The parser works on a copy and the outcome lands in locals: a generic Result would copy
        // the packet through value witnesses, retaining every field once more.
        var parser = self.parser
        var packet: MQTTPacket?
        var error: MQTTDecodeError?
        buffer.withUnsafeBytes { raw in
            var reader = MQTTByteReader(UnsafeRawBufferPointer(rebasing: raw[bodyStart..<bodyEnd]))
            do throws(MQTTDecodeError) {
                packet = try parser.parse(type, flags: firstByte & 0x0F, from: &reader)
            } catch let failure {
                error = failure
            }
        }
        self.parser = parser
        if let error { throw error }
        return packet
    }
}
