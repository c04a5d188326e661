/// Encodes MQTT packets for one protocol version into a caller's buffer, appending, so that a
/// connection can gather several packets into one write.
///
/// Server-sent packets are what the plugin needs; client-sent ones (CONNECT, SUBSCRIBE, ...)
/// are encoded too, for tests and bridges. A MQTT 3.1.1 encoding leaves out what 3.1.1 cannot
/// carry: properties, reason codes of PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK and DISCONNECT,
/// and subscription options beyond the QoS; a SUBACK failure becomes 0x80. A 3.1.1 CONNACK must
/// carry a reason code with a return code (`MQTTReasonCode.v311ConnectReturnCode`), and AUTH does
/// not exist in 3.1.1.
///
/// Values the wire cannot hold (strings over 65,535 bytes, packets over 256 MiB, a QoS 0 PUBLISH
/// with a packet identifier, a property a packet may not carry) are the caller's bug and trap.
/// The encoder does not know the peer's Maximum Packet Size: the caller compares the bytes
/// appended with it and drops what is too large, as MQTT 5.0 prescribes.
public struct MQTTEncoder: Sendable {
    public var version: MQTTProtocolVersion

    public init(version: MQTTProtocolVersion) {
        self.version = version
    }

    private var isV5: Bool { version == .v5 }

    /// Appends `packet` to `buffer`. CONNECT is encoded in its own `protocolVersion`.
    public func encode(_ packet: MQTTPacket, into buffer: inout [UInt8]) {
        switch packet {
        case .connect(let connect): encodeConnect(connect, into: &buffer)
        case .connAck(let connAck): encodeConnAck(connAck, into: &buffer)
        case .publish(let publish):
            publish.payload.withUnsafeBytes { payload in
                encodePublish(
                    topic: publish.topic, payload: payload, qos: publish.qos, packetID: publish.packetID,
                    retain: publish.retain, dup: publish.dup, properties: publish.properties, into: &buffer)
            }
        case .pubAck(let response): encodePublishResponse(.pubAck, response, into: &buffer)
        case .pubRec(let response): encodePublishResponse(.pubRec, response, into: &buffer)
        case .pubRel(let response): encodePublishResponse(.pubRel, response, into: &buffer)
        case .pubComp(let response): encodePublishResponse(.pubComp, response, into: &buffer)
        case .subscribe(let subscribe): encodeSubscribe(subscribe, into: &buffer)
        case .subAck(let subAck): encodeSubAck(subAck, into: &buffer)
        case .unsubscribe(let unsubscribe): encodeUnsubscribe(unsubscribe, into: &buffer)
        case .unsubAck(let unsubAck): encodeUnsubAck(unsubAck, into: &buffer)
        case .pingReq: buffer.append(contentsOf: [0xC0, 0x00])
        case .pingResp: buffer.append(contentsOf: [0xD0, 0x00])
        case .disconnect(let disconnect):
            encodeReasonAndProperties(.disconnect, disconnect.reasonCode, disconnect.properties, into: &buffer)
        case .auth(let auth):
            precondition(isV5, "AUTH does not exist in MQTT 3.1.1")
            encodeReasonAndProperties(.auth, auth.reasonCode, auth.properties, into: &buffer)
        }
    }

    /// Appends a PUBLISH whose payload is borrowed, not copied into an array first: the path
    /// for forwarding a message to many subscribers.
    /// - Parameters:
    ///   - packetID: nil exactly when `qos` is 0; otherwise not zero.
    ///   - dup: only with QoS 1 or 2.
    public func encodePublish(
        topic: String, payload: UnsafeRawBufferPointer, qos: MQTTQoS, packetID: UInt16?, retain: Bool = false,
        dup: Bool = false, properties: MQTTProperties = MQTTProperties(), into buffer: inout [UInt8]
    ) {
        precondition(
            (qos == .atMostOnce) == (packetID == nil) && packetID != 0, "PUBLISH packet identifier must match its QoS")
        precondition(!dup || qos != .atMostOnce, "DUP is only for QoS 1 and 2")
        let block = MQTTPropertyBlock(properties, of: .publish, version: version)
        let remaining = MQTTWire.stringSize(topic) + (packetID == nil ? 0 : 2) + block.size + payload.count
        var first: UInt8 = 0x30 | qos.rawValue << 1
        if dup { first |= 0x08 }
        if retain { first |= 0x01 }
        appendFixedHeader(first, remaining, into: &buffer)
        buffer.appendString(topic)
        if let packetID { buffer.appendUInt16(packetID) }
        block.write(properties, into: &buffer)
        buffer.append(contentsOf: payload)
    }

    /// The size `encodePublish` would give a PUBLISH, without encoding it: what a sender checks
    /// against its peer's Maximum Packet Size before it takes an event it could not send.
    public func publishSize(topic: String, payloadCount: Int, qos: MQTTQoS, properties: MQTTProperties = MQTTProperties()) -> Int {
        let remaining = MQTTWire.stringSize(topic) + (qos == .atMostOnce ? 0 : 2)
            + MQTTPropertyBlock(properties, of: .publish, version: version).size + payloadCount
        return 1 + MQTTWire.variableByteIntegerSize(remaining) + remaining
    }

    // MARK: Packets

    private func encodeConnect(_ connect: MQTTPacket.Connect, into buffer: inout [UInt8]) {
        let v5 = connect.protocolVersion == .v5
        precondition(
            v5 || connect.password == nil || connect.username != nil, "MQTT 3.1.1 needs a user name for a password")
        let block = MQTTPropertyBlock(connect.properties, of: .connect, version: connect.protocolVersion)
        var flags: UInt8 = connect.cleanStart ? 0x02 : 0
        var remaining = 10 + block.size + MQTTWire.stringSize(connect.clientID)
        var willBlock: MQTTPropertyBlock?
        if let will = connect.will {
            let block = MQTTPropertyBlock(
                will.properties, allowed: MQTTPropertyIdentifier.willMask, version: connect.protocolVersion)
            flags |= 0x04 | will.qos.rawValue << 3 | (will.retain ? 0x20 : 0)
            remaining += block.size + MQTTWire.stringSize(will.topic) + 2 + will.payload.count
            willBlock = block
        }
        if let username = connect.username {
            flags |= 0x80
            remaining += MQTTWire.stringSize(username)
        }
        if let password = connect.password {
            flags |= 0x40
            remaining += 2 + password.count
        }
        appendFixedHeader(0x10, remaining, into: &buffer)
        buffer.appendString("MQTT")
        buffer.append(connect.protocolVersion.level)
        buffer.append(flags)
        buffer.appendUInt16(connect.keepAlive)
        block.write(connect.properties, into: &buffer)
        buffer.appendString(connect.clientID)
        if let will = connect.will, let willBlock {
            willBlock.write(will.properties, into: &buffer)
            buffer.appendString(will.topic)
            buffer.appendLengthPrefixed(will.payload)
        }
        if let username = connect.username { buffer.appendString(username) }
        if let password = connect.password { buffer.appendLengthPrefixed(password) }
    }

    private func encodeConnAck(_ connAck: MQTTPacket.ConnAck, into buffer: inout [UInt8]) {
        let code: UInt8
        if isV5 {
            code = connAck.reasonCode.rawValue
        } else {
            guard let returnCode = connAck.reasonCode.v311ConnectReturnCode else {
                preconditionFailure("\(connAck.reasonCode) has no MQTT 3.1.1 CONNACK return code")
            }
            code = returnCode
        }
        let block = MQTTPropertyBlock(connAck.properties, of: .connAck, version: version)
        appendFixedHeader(0x20, 2 + block.size, into: &buffer)
        buffer.append(connAck.sessionPresent ? 1 : 0)
        buffer.append(code)
        block.write(connAck.properties, into: &buffer)
    }

    private func encodePublishResponse(
        _ type: MQTTPacketType, _ response: MQTTPacket.PublishResponse, into buffer: inout [UInt8]
    ) {
        precondition(response.packetID != 0, "packet identifier 0")
        let first = type.rawValue << 4 | (type == .pubRel ? 0x02 : 0)
        let block = MQTTPropertyBlock(response.properties, of: type, version: version)
        // MQTT 5.0 may leave out a Success reason code without properties, and the property
        // length when there are none (section 3.4.2.1); 3.1.1 has neither.
        if !isV5 || (block.isEmpty && response.reasonCode == .success) {
            appendFixedHeader(first, 2, into: &buffer)
            buffer.appendUInt16(response.packetID)
        } else if block.isEmpty {
            appendFixedHeader(first, 3, into: &buffer)
            buffer.appendUInt16(response.packetID)
            buffer.append(response.reasonCode.rawValue)
        } else {
            appendFixedHeader(first, 3 + block.size, into: &buffer)
            buffer.appendUInt16(response.packetID)
            buffer.append(response.reasonCode.rawValue)
            block.write(response.properties, into: &buffer)
        }
    }

    private func encodeSubscribe(_ subscribe: MQTTPacket.Subscribe, into buffer: inout [UInt8]) {
        let block = MQTTPropertyBlock(subscribe.properties, of: .subscribe, version: version)
        var remaining = 2 + block.size
        for subscription in subscribe.subscriptions {
            remaining += MQTTWire.stringSize(subscription.filter) + 1
        }
        appendFixedHeader(0x82, remaining, into: &buffer)
        buffer.appendUInt16(subscribe.packetID)
        block.write(subscribe.properties, into: &buffer)
        for subscription in subscribe.subscriptions {
            let options = subscription.options
            var byte = options.qos.rawValue
            if isV5 {
                if options.noLocal { byte |= 0x04 }
                if options.retainAsPublished { byte |= 0x08 }
                byte |= options.retainHandling.rawValue << 4
            }
            buffer.appendString(subscription.filter)
            buffer.append(byte)
        }
    }

    private func encodeSubAck(_ subAck: MQTTPacket.SubAck, into buffer: inout [UInt8]) {
        let block = MQTTPropertyBlock(subAck.properties, of: .subAck, version: version)
        appendFixedHeader(0x90, 2 + block.size + subAck.reasonCodes.count, into: &buffer)
        buffer.appendUInt16(subAck.packetID)
        block.write(subAck.properties, into: &buffer)
        for code in subAck.reasonCodes {
            // 3.1.1 return codes: the granted QoS, or 0x80 for any failure.
            buffer.append(isV5 || code.rawValue <= 2 ? code.rawValue : 0x80)
        }
    }

    private func encodeUnsubscribe(_ unsubscribe: MQTTPacket.Unsubscribe, into buffer: inout [UInt8]) {
        let block = MQTTPropertyBlock(unsubscribe.properties, of: .unsubscribe, version: version)
        var remaining = 2 + block.size
        for filter in unsubscribe.filters {
            remaining += MQTTWire.stringSize(filter)
        }
        appendFixedHeader(0xA2, remaining, into: &buffer)
        buffer.appendUInt16(unsubscribe.packetID)
        block.write(unsubscribe.properties, into: &buffer)
        for filter in unsubscribe.filters {
            buffer.appendString(filter)
        }
    }

    private func encodeUnsubAck(_ unsubAck: MQTTPacket.UnsubAck, into buffer: inout [UInt8]) {
        let block = MQTTPropertyBlock(unsubAck.properties, of: .unsubAck, version: version)
        let codes = isV5 ? unsubAck.reasonCodes.count : 0
        appendFixedHeader(0xB0, 2 + block.size + codes, into: &buffer)
        buffer.appendUInt16(unsubAck.packetID)
        block.write(unsubAck.properties, into: &buffer)
        if isV5 {
            for code in unsubAck.reasonCodes {
                buffer.append(code.rawValue)
            }
        }
    }

    /// DISCONNECT and AUTH: empty in 3.1.1; in 5.0 a reason code and properties, both left out
    /// for Success without properties. Otherwise the property length is written even when it is
    /// 0: the spec lets DISCONNECT omit it, but paho-mqtt 1.6 then ignores the reason code (a
    /// taken-over client would never see 0x8E), and mosquitto sends it too.
    private func encodeReasonAndProperties(
        _ type: MQTTPacketType, _ reasonCode: MQTTReasonCode, _ properties: MQTTProperties, into buffer: inout [UInt8]
    ) {
        let first = type.rawValue << 4
        let block = MQTTPropertyBlock(properties, of: type, version: version)
        if !isV5 || (block.isEmpty && reasonCode == .success) {
            appendFixedHeader(first, 0, into: &buffer)
        } else {
            appendFixedHeader(first, 1 + block.size, into: &buffer)
            buffer.append(reasonCode.rawValue)
            block.write(properties, into: &buffer)
        }
    }

    private func appendFixedHeader(_ first: UInt8, _ remainingLength: Int, into buffer: inout [UInt8]) {
        // One allocation for the packet; doubling, because reserveCapacity alone grows to the
        // exact size and would copy a buffer that gathers many packets once per packet.
        let needed = buffer.count + 5 + remainingLength
        if needed > buffer.capacity {
            buffer.reserveCapacity(max(needed, 2 * buffer.capacity))
        }
        buffer.append(first)
        buffer.appendVariableByteInteger(remainingLength)
    }
}
