/// What the decoder knows about the connection, and the rules for each packet's header and body.
///
/// The decoder frames packets and buffers bytes; this checks a packet's first byte as soon as
/// it arrives, its remaining length as soon as that is complete, and then parses the body,
/// throwing the first violation it meets.
struct MQTTPacketParser: Sendable {
    /// A server reads what clients send, a client what servers send.
    let isServer: Bool
    /// The Topic Alias Maximum this side announced; aliases above it (and zero) are refused.
    var topicAliasMaximum: UInt16
    /// The version in force, once CONNECT has been decoded (a server) or from the start (a client).
    private(set) var negotiatedVersion: MQTTProtocolVersion?
    /// The version of a CONNECT being parsed, known from its protocol level on, so that a CONNECT
    /// refused after that point is answered in its own version.
    private(set) var attemptedVersion: MQTTProtocolVersion?

    init(isServer: Bool, version: MQTTProtocolVersion?, topicAliasMaximum: UInt16) {
        self.isServer = isServer
        self.negotiatedVersion = version
        self.topicAliasMaximum = topicAliasMaximum
    }

    private var version: MQTTProtocolVersion { negotiatedVersion ?? .v5 }
    private var isV5: Bool { version == .v5 }

    // MARK: Fixed header

    /// The packet type of a first byte, if this side may receive it now with these flags.
    func packetType(firstByte: UInt8) throws(MQTTDecodeError) -> MQTTPacketType {
        let raw = firstByte &>> 4
        let flags = firstByte & 0x0F
        if isServer && negotiatedVersion == nil && raw != MQTTPacketType.connect.rawValue {
            throw .firstPacketNotConnect(firstByte: firstByte)
        }
        guard let type = MQTTPacketType(rawValue: raw), type != .auth || negotiatedVersion != .v3_1_1 else {
            throw .reservedPacketType(raw)
        }
        guard isServer ? type.isSentByClient : type.isSentByServer else { throw .unexpectedPacketType(type) }
        if type == .connect && negotiatedVersion != nil { throw .secondConnect }
        if let required = type.requiredFlags {
            guard flags == required else { throw .invalidFixedHeaderFlags(type, flags: flags) }
        } else {
            // PUBLISH: QoS 3 is malformed [MQTT-3.3.1-4], and DUP is 0 at QoS 0 [MQTT-3.3.1-2].
            let qos = (flags &>> 1) & 0x03
            guard qos != 3, qos != 0 || flags & 0x08 == 0 else {
                throw .invalidFixedHeaderFlags(type, flags: flags)
            }
        }
        return type
    }

    /// Refuses remaining lengths the type can never have, so that a PINGREQ claiming a body,
    /// say, fails at once instead of waiting for bytes that should not come.
    func checkRemainingLength(_ length: Int, of type: MQTTPacketType) throws(MQTTDecodeError) {
        let valid: Bool
        switch type {
        case .pingReq, .pingResp:
            valid = length == 0
        case .pubAck, .pubRec, .pubRel, .pubComp:
            valid = isV5 ? length >= 2 : length == 2
        case .connAck, .unsubAck:
            valid = isV5 ? length >= 3 : length == 2
        case .disconnect:
            valid = isV5 || length == 0
        case .connect, .publish, .subscribe, .subAck, .unsubscribe, .auth:
            valid = true
        }
        guard valid else { throw .invalidRemainingLength(type, length) }
    }

    // MARK: Body

    /// Parses the body of a packet whose first byte `packetType(firstByte:)` accepted.
    mutating func parse(
        _ type: MQTTPacketType, flags: UInt8, from reader: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> MQTTPacket {
        let packet: MQTTPacket
        switch type {
        case .connect: packet = .connect(try parseConnect(&reader))
        case .connAck: packet = .connAck(try parseConnAck(&reader))
        case .publish: packet = .publish(try parsePublish(flags: flags, &reader))
        case .pubAck: packet = .pubAck(try parsePublishResponse(type, &reader))
        case .pubRec: packet = .pubRec(try parsePublishResponse(type, &reader))
        case .pubRel: packet = .pubRel(try parsePublishResponse(type, &reader))
        case .pubComp: packet = .pubComp(try parsePublishResponse(type, &reader))
        case .subscribe: packet = .subscribe(try parseSubscribe(&reader))
        case .subAck: packet = .subAck(try parseSubAck(&reader))
        case .unsubscribe: packet = .unsubscribe(try parseUnsubscribe(&reader))
        case .unsubAck: packet = .unsubAck(try parseUnsubAck(&reader))
        case .pingReq: packet = .pingReq
        case .pingResp: packet = .pingResp
        case .disconnect: packet = .disconnect(try parseDisconnect(&reader))
        case .auth: packet = .auth(try parseAuth(&reader))
        }
        try reader.expectEnd()
        if case .connect(let connect) = packet {
            if connect.protocolVersion == .v3_1_1 && connect.clientID.isEmpty && !connect.cleanStart {
                throw .clientIdentifierRejected
            }
            negotiatedVersion = connect.protocolVersion
        }
        return packet
    }

    private mutating func parseConnect(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.Connect {
        let name = try reader.readLengthPrefixed()
        let level = try reader.readByte()
        if name.elementsEqual("MQIsdp".utf8) { throw .unsupportedProtocolVersion(level: level) }
        guard name.elementsEqual("MQTT".utf8) else { throw .invalidProtocolName }
        guard let version = MQTTProtocolVersion(rawValue: level) else {
            throw .unsupportedProtocolVersion(level: level)
        }
        attemptedVersion = version
        let v5 = version == .v5

        let flags = try reader.readByte()
        let hasWill = flags & 0x04 != 0
        let willRetain = flags & 0x20 != 0
        let hasPassword = flags & 0x40 != 0
        let hasUsername = flags & 0x80 != 0
        guard flags & 0x01 == 0,  // reserved [MQTT-3.1.2-3]
            let willQoS = MQTTQoS(rawValue: (flags &>> 3) & 0x03),
            hasWill || (willQoS == .atMostOnce && !willRetain),
            v5 || hasUsername || !hasPassword  // [MQTT-3.1.2-22], lifted in 5.0
        else { throw .invalidConnectFlags(flags) }

        let keepAlive = try reader.readUInt16()
        let properties =
            try v5
            ? MQTTProperties(from: &reader, in: .connect, allowed: MQTTPropertyIdentifier.allowedMask(in: .connect))
            : MQTTProperties()
        let clientID = try reader.readString()
        var will: MQTTPacket.Connect.Will?
        if hasWill {
            let willProperties =
                try v5
                ? MQTTProperties(from: &reader, in: .connect, allowed: MQTTPropertyIdentifier.willMask)
                : MQTTProperties()
            let topic = try reader.readUTF8()
            guard MQTTTopic.isValidName(topic) else { throw .invalidTopicName }
            will = MQTTPacket.Connect.Will(
                topic: String(decoding: topic, as: UTF8.self), payload: try reader.readBinary(), qos: willQoS,
                retain: willRetain, properties: willProperties)
        }
        let username = try hasUsername ? reader.readString() : nil
        let password = try hasPassword ? reader.readBinary() : nil
        return MQTTPacket.Connect(
            protocolVersion: version, clientID: clientID, cleanStart: flags & 0x02 != 0, keepAlive: keepAlive,
            username: username, password: password, will: will, properties: properties)
    }

    private func parseConnAck(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.ConnAck {
        let flags = try reader.readByte()
        let code = try reader.readByte()
        let reasonCode: MQTTReasonCode
        if isV5 {
            reasonCode = MQTTReasonCode(rawValue: code)
            guard reasonCode.isAllowed(in: .connAck) else { throw .invalidReasonCode(.connAck, code) }
        } else {
            guard let mapped = MQTTReasonCode(v311ConnectReturnCode: code) else {
                throw .invalidReasonCode(.connAck, code)
            }
            reasonCode = mapped
        }
        // Only bit 0 (Session Present) is defined, and it must be 0 on a refusal [MQTT-3.2.2-6].
        guard flags & 0xFE == 0, flags == 0 || !reasonCode.isFailure else { throw .invalidConnAckFlags(flags) }
        return MQTTPacket.ConnAck(
            sessionPresent: flags == 1, reasonCode: reasonCode, properties: try properties(of: .connAck, &reader))
    }

    private func parsePublish(
        flags: UInt8, _ reader: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> MQTTPacket.Publish {
        let qos = MQTTQoS(rawValue: (flags &>> 1) & 0x03) ?? .atMostOnce  // QoS 3 refused with the header
        let topic = try reader.readUTF8()
        guard isV5 ? MQTTTopic.isValidNameOrEmpty(topic) : MQTTTopic.isValidName(topic) else { throw .invalidTopicName }
        let packetID = try qos == .atMostOnce ? nil : packetIdentifier(of: .publish, &reader)
        let properties = try properties(of: .publish, &reader)
        if isV5 {
            // A client's PUBLISH carries no Subscription Identifier [MQTT-3.3.4-6].
            if isServer && !properties.subscriptionIdentifiers.isEmpty {
                throw .invalidPropertyValue(.subscriptionIdentifier)
            }
            if let alias = properties.topicAlias {
                guard alias != 0 && alias <= topicAliasMaximum else { throw .invalidTopicAlias(alias) }
            } else if topic.isEmpty {
                throw .missingTopicName
            }
        }
        return MQTTPacket.Publish(
            dup: flags & 0x08 != 0, qos: qos, retain: flags & 0x01 != 0, topic: String(decoding: topic, as: UTF8.self),
            packetID: packetID, payload: Array(reader.readRest()), properties: properties)
    }

    private func parsePublishResponse(
        _ type: MQTTPacketType, _ reader: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> MQTTPacket.PublishResponse {
        var response = MQTTPacket.PublishResponse(packetID: try packetIdentifier(of: type, &reader))
        // MQTT 5.0 leaves out the reason code when it is Success and there are no properties,
        // and the property length when there are no properties (section 3.4.2.1).
        if isV5 && !reader.isAtEnd {
            response.reasonCode = try reasonCode(of: type, &reader)
            if !reader.isAtEnd { response.properties = try properties(of: type, &reader) }
        }
        return response
    }

    private func parseSubscribe(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.Subscribe {
        let packetID = try packetIdentifier(of: .subscribe, &reader)
        let properties = try properties(of: .subscribe, &reader)
        // Bits 2 to 7 are reserved in 3.1.1; 5.0 uses 2 to 5 and reserves 6 and 7 [MQTT-3.8.3-5].
        let reserved: UInt8 = isV5 ? 0xC0 : 0xFC
        var subscriptions: [MQTTPacket.Subscribe.Subscription] = []
        while !reader.isAtEnd {
            let filter = try topicFilter(&reader)
            let options = try reader.readByte()
            guard options & reserved == 0, let qos = MQTTQoS(rawValue: options & 0x03),
                let retainHandling = MQTTPacket.Subscribe.Options.RetainHandling(rawValue: (options &>> 4) & 0x03)
            else { throw .invalidSubscriptionOptions(options) }
            let noLocal = options & 0x04 != 0
            if noLocal && MQTTTopic.isSharedSubscription(filter) { throw .noLocalOnSharedSubscription }
            subscriptions.append(
                MQTTPacket.Subscribe.Subscription(
                    filter: String(decoding: filter, as: UTF8.self),
                    options: MQTTPacket.Subscribe.Options(
                        qos: qos, noLocal: noLocal, retainAsPublished: options & 0x08 != 0,
                        retainHandling: retainHandling)
                ))
        }
        guard !subscriptions.isEmpty else { throw .emptyPayload(.subscribe) }
        return MQTTPacket.Subscribe(packetID: packetID, subscriptions: subscriptions, properties: properties)
    }

    private func parseSubAck(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.SubAck {
        let packetID = try packetIdentifier(of: .subAck, &reader)
        let properties = try properties(of: .subAck, &reader)
        var reasonCodes: [MQTTReasonCode] = []
        for code in reader.readRest() {
            let reasonCode = MQTTReasonCode(rawValue: code)
            let valid = isV5 ? reasonCode.isAllowed(in: .subAck) : (code <= 2 || code == 0x80)
            guard valid else { throw .invalidReasonCode(.subAck, code) }
            reasonCodes.append(reasonCode)
        }
        guard !reasonCodes.isEmpty else { throw .emptyPayload(.subAck) }
        return MQTTPacket.SubAck(packetID: packetID, reasonCodes: reasonCodes, properties: properties)
    }

    private func parseUnsubscribe(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.Unsubscribe {
        let packetID = try packetIdentifier(of: .unsubscribe, &reader)
        let properties = try properties(of: .unsubscribe, &reader)
        var filters: [String] = []
        while !reader.isAtEnd {
            filters.append(String(decoding: try topicFilter(&reader), as: UTF8.self))
        }
        guard !filters.isEmpty else { throw .emptyPayload(.unsubscribe) }
        return MQTTPacket.Unsubscribe(packetID: packetID, filters: filters, properties: properties)
    }

    private func parseUnsubAck(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.UnsubAck {
        var unsubAck = MQTTPacket.UnsubAck(packetID: try packetIdentifier(of: .unsubAck, &reader))
        guard isV5 else { return unsubAck }
        unsubAck.properties = try properties(of: .unsubAck, &reader)
        while !reader.isAtEnd {
            unsubAck.reasonCodes.append(try reasonCode(of: .unsubAck, &reader))
        }
        guard !unsubAck.reasonCodes.isEmpty else { throw .emptyPayload(.unsubAck) }
        return unsubAck
    }

    private func parseDisconnect(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.Disconnect {
        var disconnect = MQTTPacket.Disconnect()
        // 5.0: no reason code means Normal disconnection, no property length means none.
        if isV5 && !reader.isAtEnd {
            disconnect.reasonCode = try reasonCode(of: .disconnect, &reader)
            if !reader.isAtEnd { disconnect.properties = try properties(of: .disconnect, &reader) }
        }
        return disconnect
    }

    private func parseAuth(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> MQTTPacket.Auth {
        // An empty AUTH is Success without properties; any other carries both, and its
        // properties name the method (sections 3.15.2.1 and 3.15.2.2.2).
        guard !reader.isAtEnd else { return MQTTPacket.Auth() }
        let auth = MQTTPacket.Auth(
            reasonCode: try reasonCode(of: .auth, &reader), properties: try properties(of: .auth, &reader))
        guard auth.properties.authenticationMethod != nil else { throw .missingProperty(.authenticationMethod) }
        return auth
    }

    // MARK: Fields

    private func packetIdentifier(
        of type: MQTTPacketType, _ reader: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> UInt16 {
        let id = try reader.readUInt16()
        guard id != 0 else { throw .zeroPacketIdentifier(type) }
        return id
    }

    private func reasonCode(
        of type: MQTTPacketType, _ reader: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> MQTTReasonCode {
        let code = MQTTReasonCode(rawValue: try reader.readByte())
        guard code.isAllowed(in: type) else { throw .invalidReasonCode(type, code.rawValue) }
        return code
    }

    /// The properties of a MQTT 5.0 packet; none in 3.1.1.
    private func properties(
        of type: MQTTPacketType, _ reader: inout MQTTByteReader
    ) throws(MQTTDecodeError) -> MQTTProperties {
        guard isV5 else { return MQTTProperties() }
        return try MQTTProperties(from: &reader, in: type, allowed: MQTTPropertyIdentifier.allowedMask(in: type))
    }

    private func topicFilter(_ reader: inout MQTTByteReader) throws(MQTTDecodeError) -> UnsafeRawBufferPointer {
        let filter = try reader.readUTF8()
        guard MQTTTopic.isValidFilter(filter) else { throw .invalidTopicFilter }
        return filter
    }
}
