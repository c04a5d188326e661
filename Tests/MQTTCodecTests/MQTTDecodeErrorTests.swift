import XCTest

@testable import MQTTCodec

/// Each protocol violation the decoder knows, with the reason code it maps to.
final class MQTTDecodeErrorTests: XCTestCase {
    /// A packet from its first byte and body: the remaining length is filled in.
    private func packet(_ first: UInt8, _ body: [UInt8]) -> [UInt8] {
        var bytes = [first]
        bytes.appendVariableByteInteger(body.count)
        return bytes + body
    }

    private func string(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendString(text)
        return bytes
    }

    private func v5Server() -> MQTTDecoder { connectedServer(.v5, topicAliasMaximum: 10) }
    private func v311Server() -> MQTTDecoder { connectedServer(.v3_1_1) }

    private func assertFails(
        _ bytes: [UInt8], _ expected: MQTTDecodeError, _ reason: MQTTReasonCode,
        versions: [MQTTProtocolVersion] = MQTTProtocolVersion.allCases, file: StaticString = #filePath,
        line: UInt = #line
    ) {
        for version in versions {
            assertDecodeFails(
                bytes, expected, reason: reason, makeDecoder: { connectedServer(version, topicAliasMaximum: 10) },
                file: file, line: line)
        }
    }

    /// `body` of a CONNECT after the protocol name and level: flags, keep alive, and so on.
    private func connectBytes(_ version: MQTTProtocolVersion, _ rest: [UInt8]) -> [UInt8] {
        packet(0x10, string("MQTT") + [version.level] + rest)
    }

    // MARK: Fixed header

    func testRemainingLengthLongerThanFourBytes() {
        assertFails([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], .malformedVariableByteInteger, .malformedPacket)
        assertDecodeFails(
            [0x10, 0x80, 0x80, 0x80, 0x80, 0x01], .malformedVariableByteInteger, reason: .malformedPacket,
            makeDecoder: { MQTTDecoder(maximumPacketSize: Int.max) })
    }

    func testRemainingLengthNotMinimal() {
        assertFails([0xC0, 0x80, 0x00], .malformedVariableByteInteger, .malformedPacket)
        assertFails([0x30, 0x83, 0x80, 0x00] + string("t") + [1], .malformedVariableByteInteger, .malformedPacket)
    }

    func testFixedHeaderFlags() {
        let cases: [(UInt8, MQTTPacketType)] = [
            (0x80, .subscribe), (0x83, .subscribe), (0xA0, .unsubscribe), (0x60, .pubRel), (0x62 ^ 0x06, .pubRel),
            (0x41, .pubAck), (0x58, .pubRec), (0x72, .pubComp), (0xC1, .pingReq), (0xE2, .disconnect),
        ]
        for (first, type) in cases {
            assertFails(
                [first, 0x02, 0x00, 0x01], .invalidFixedHeaderFlags(type, flags: first & 0x0F), .malformedPacket)
        }
        assertFails([0xF1, 0x00], .invalidFixedHeaderFlags(.auth, flags: 1), .malformedPacket, versions: [.v5])
    }

    func testPublishQoS3AndDupAtQoS0AreMalformed() {
        assertFails(
            packet(0x36, string("t") + [0, 1]), .invalidFixedHeaderFlags(.publish, flags: 0x06), .malformedPacket)
        assertFails(packet(0x38, string("t")), .invalidFixedHeaderFlags(.publish, flags: 0x08), .malformedPacket)
    }

    func testReservedAndUnexpectedPacketTypes() {
        assertFails([0x00, 0x00], .reservedPacketType(0), .malformedPacket)
        assertFails([0xF0, 0x00], .reservedPacketType(15), .malformedPacket, versions: [.v3_1_1])
        for (first, type) in [
            (UInt8(0x20), MQTTPacketType.connAck), (0x90, .subAck), (0xB0, .unsubAck), (0xD0, .pingResp),
        ] {
            assertFails([first, 0x02, 0x00, 0x01], .unexpectedPacketType(type), .protocolError)
        }
        for (first, type) in [
            (UInt8(0x10), MQTTPacketType.connect), (0x82, .subscribe), (0xA2, .unsubscribe), (0xC0, .pingReq),
        ] {
            assertDecodeFails(
                [first, 0x00], .unexpectedPacketType(type), reason: .protocolError,
                makeDecoder: { MQTTDecoder(clientVersion: .v5) })
        }
    }

    func testSecondConnect() {
        for version in MQTTProtocolVersion.allCases {
            assertFails(
                MQTTEncoder(version: version).bytes([connect(version)]), .secondConnect, .protocolError,
                versions: [version])
        }
    }

    func testImpossibleRemainingLengths() {
        assertFails([0xC0, 0x01, 0x00], .invalidRemainingLength(.pingReq, 1), .malformedPacket)
        assertFails(
            [0x40, 0x03, 0x00, 0x01, 0x00], .invalidRemainingLength(.pubAck, 3), .malformedPacket, versions: [.v3_1_1])
        assertFails([0x40, 0x01, 0x00], .invalidRemainingLength(.pubAck, 1), .malformedPacket)
        assertFails([0xE0, 0x01, 0x00], .invalidRemainingLength(.disconnect, 1), .malformedPacket, versions: [.v3_1_1])
        assertDecodeFails(
            [0x20, 0x03, 0x00, 0x00, 0x00], .invalidRemainingLength(.connAck, 3), reason: .malformedPacket,
            makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) })
    }

    // MARK: Fields

    func testFieldsRunningPastThePacket() {
        assertFails(packet(0x30, [0x00, 0x05, 0x61]), .unexpectedEndOfPacket, .malformedPacket)
        assertFails(packet(0x32, string("t") + [0x00]), .unexpectedEndOfPacket, .malformedPacket)
        assertFails(
            packet(0x82, [0x00, 0x01] + [0x00] + string("t")), .unexpectedEndOfPacket, .malformedPacket, versions: [.v5]
        )
    }

    func testTrailingBytes() {
        let connect = MQTTEncoder(version: .v3_1_1).bytes([connect(.v3_1_1)])
        var padded = connect
        padded[1] += 1
        padded.append(0)
        assertDecodeFails(padded, .trailingBytes, reason: .malformedPacket, makeDecoder: { MQTTDecoder() })
        assertDecodeFails(
            [0x20, 0x04, 0x00, 0x00, 0x00, 0x00], .trailingBytes, reason: .malformedPacket,
            makeDecoder: { MQTTDecoder(clientVersion: .v5) })
    }

    func testStringsMustBeUTF8WithoutNull() {
        for bad: [UInt8] in [
            [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x00, 0x62], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        ] {
            assertFails(packet(0x30, [0x00, UInt8(bad.count)] + bad), .invalidUTF8String, .malformedPacket)
        }
        // Only MUSTs are enforced: control characters, non-characters and a byte order mark pass.
        for fine in ["\u{01}\u{1F}\u{7F}\u{9F}", "\u{FFFF}", "\u{FEFF}topic"] {
            var decoder = v5Server()
            XCTAssertEqual(
                try decoder.decode(packet(0x30, string(fine) + [0x00])),
                [.publish(MQTTPacket.Publish(topic: fine, payload: []))])
        }
    }

    // MARK: Topics and packet identifiers

    func testTopicNames() {
        for bad in ["a/+", "#", "a/#/b", "sport+"] {
            assertFails(packet(0x30, string(bad) + [0x00]), .invalidTopicName, .topicNameInvalid)
        }
        assertFails(packet(0x30, string("")), .invalidTopicName, .topicNameInvalid, versions: [.v3_1_1])
        assertFails(packet(0x30, string("") + [0x00]), .missingTopicName, .protocolError, versions: [.v5])
    }

    func testTopicAliases() throws {
        var decoder = v5Server()
        XCTAssertEqual(
            try decoder.decode(packet(0x30, string("") + [0x03, 0x23, 0x00, 0x0A])),
            [.publish(MQTTPacket.Publish(topic: "", payload: [], properties: .with { $0.topicAlias = 10 }))])
        assertFails(
            packet(0x30, string("t") + [0x03, 0x23, 0x00, 0x00]), .invalidTopicAlias(0), .topicAliasInvalid,
            versions: [.v5])
        assertFails(
            packet(0x30, string("t") + [0x03, 0x23, 0x00, 0x0B]), .invalidTopicAlias(11), .topicAliasInvalid,
            versions: [.v5])
        assertDecodeFails(
            packet(0x30, string("t") + [0x03, 0x23, 0x00, 0x01]), .invalidTopicAlias(1), reason: .topicAliasInvalid,
            makeDecoder: { connectedServer(.v5) })
    }

    func testTopicFilters() {
        for bad in [
            "", "a/#/b", "a+", "#a", "a/b#", "+a/b", "$share//a", "$share/g+/a", "$share/g#/a", "$share/g", "$share/g/",
        ] {
            assertFails(
                packet(0x82, [0x00, 0x01] + string(bad) + [0x00]).withProperties(), .invalidTopicFilter,
                .topicFilterInvalid, versions: [.v5])
            assertFails(
                packet(0x82, [0x00, 0x01] + string(bad) + [0x00]), .invalidTopicFilter, .topicFilterInvalid,
                versions: [.v3_1_1])
            assertFails(
                packet(0xA2, [0x00, 0x01] + string(bad)), .invalidTopicFilter, .topicFilterInvalid, versions: [.v3_1_1])
        }
    }

    func testZeroPacketIdentifiers() {
        assertFails(packet(0x32, string("t") + [0x00, 0x00]), .zeroPacketIdentifier(.publish), .protocolError)
        assertFails(
            packet(0x82, [0x00, 0x00] + string("t") + [0x00]), .zeroPacketIdentifier(.subscribe), .protocolError,
            versions: [.v3_1_1])
        assertFails(
            packet(0xA2, [0x00, 0x00] + string("t")), .zeroPacketIdentifier(.unsubscribe), .protocolError,
            versions: [.v3_1_1])
        let acknowledgements = [(UInt8(0x40), MQTTPacketType.pubAck), (0x50, .pubRec), (0x62, .pubRel), (0x70, .pubComp)]
        for (first, type) in acknowledgements {
            assertFails([first, 0x02, 0x00, 0x00], .zeroPacketIdentifier(type), .protocolError)
        }
    }

    // MARK: SUBSCRIBE and UNSUBSCRIBE

    func testSubscribeAndUnsubscribeNeedAFilter() {
        assertFails([0x82, 0x02, 0x00, 0x01], .emptyPayload(.subscribe), .protocolError, versions: [.v3_1_1])
        assertFails([0x82, 0x03, 0x00, 0x01, 0x00], .emptyPayload(.subscribe), .protocolError, versions: [.v5])
        assertFails([0xA2, 0x02, 0x00, 0x01], .emptyPayload(.unsubscribe), .protocolError, versions: [.v3_1_1])
        assertFails([0xA2, 0x03, 0x00, 0x01, 0x00], .emptyPayload(.unsubscribe), .protocolError, versions: [.v5])
    }

    func testSubscriptionOptions() {
        let v5: [(UInt8, MQTTReasonCode)] = [
            (0x40, .malformedPacket), (0x80, .malformedPacket), (0x03, .protocolError), (0x30, .protocolError),
        ]
        for (options, reason) in v5 {
            assertFails(
                packet(0x82, [0x00, 0x01, 0x00] + string("a") + [options]), .invalidSubscriptionOptions(options),
                reason,
                versions: [.v5])
        }
        for options: UInt8 in [0x03, 0x04, 0x08, 0x10, 0x80] {
            assertFails(
                packet(0x82, [0x00, 0x01] + string("a") + [options]), .invalidSubscriptionOptions(options),
                options & 0xC0 != 0 ? .malformedPacket : .protocolError, versions: [.v3_1_1])
        }
        assertFails(
            packet(0x82, [0x00, 0x01, 0x00] + string("$share/g/a") + [0x04]), .noLocalOnSharedSubscription,
            .protocolError,
            versions: [.v5])
    }

    // MARK: CONNECT

    func testConnectFlags() {
        for version in MQTTProtocolVersion.allCases {
            let properties: [UInt8] = version == .v5 ? [0x00] : []
            // Reserved bit; will QoS without will; will retain without will; will QoS 3.
            for flags: UInt8 in [0x03, 0x0A, 0x22, 0x1E] {
                assertDecodeFails(
                    connectBytes(version, [flags, 0x00, 0x3C] + properties + string("c")), .invalidConnectFlags(flags),
                    reason: .malformedPacket, makeDecoder: { MQTTDecoder() })
            }
        }
        // A password without a user name: refused in 3.1.1, allowed in 5.0.
        assertDecodeFails(
            connectBytes(.v3_1_1, [0x42, 0x00, 0x3C] + string("c") + string("pw")), .invalidConnectFlags(0x42),
            reason: .malformedPacket, makeDecoder: { MQTTDecoder() })
        var decoder = MQTTDecoder()
        XCTAssertEqual(
            try decoder.decode(connectBytes(.v5, [0x42, 0x00, 0x3C, 0x00] + string("c") + string("pw"))),
            [.connect(MQTTPacket.Connect(protocolVersion: .v5, clientID: "c", password: Array("pw".utf8)))])
    }

    func testWillTopicMustBeATopicName() {
        assertDecodeFails(
            connectBytes(.v3_1_1, [0x06, 0x00, 0x3C] + string("c") + string("w/#") + string("x")), .invalidTopicName,
            reason: .topicNameInvalid, makeDecoder: { MQTTDecoder() })
    }

    // MARK: Properties

    func testDuplicateProperties() {
        let twoContentTypes: [UInt8] = [0x03] + string("a") + [0x03] + string("b")
        assertFails(
            packet(0x30, string("t") + [UInt8(twoContentTypes.count)] + twoContentTypes),
            .duplicateProperty(.contentType),
            .protocolError, versions: [.v5])
        let twoIdentifiers: [UInt8] = [0x04, 0x0B, 0x01, 0x0B, 0x02]
        assertFails(
            packet(0x82, [0x00, 0x01] + twoIdentifiers + string("a") + [0x00]),
            .duplicateProperty(.subscriptionIdentifier),
            .protocolError, versions: [.v5])
    }

    func testPropertiesNotAllowedInThePacketAreMalformed() {
        // Session Expiry Interval in PUBLISH, an unknown identifier, Will Delay Interval in CONNECT.
        assertFails(
            packet(0x30, string("t") + [0x05, 0x11, 0x00, 0x00, 0x00, 0x01]),
            .invalidPropertyIdentifier(0x11, in: .publish),
            .malformedPacket, versions: [.v5])
        assertFails(
            packet(0x30, string("t") + [0x02, 0x05, 0x00]), .invalidPropertyIdentifier(0x05, in: .publish),
            .malformedPacket, versions: [.v5])
        assertFails(
            packet(0x30, string("t") + [0x02, 0x80, 0x01]), .invalidPropertyIdentifier(0x80, in: .publish),
            .malformedPacket, versions: [.v5])
        assertDecodeFails(
            connectBytes(.v5, [0x02, 0x00, 0x3C, 0x05, 0x18, 0x00, 0x00, 0x00, 0x01] + string("c")),
            .invalidPropertyIdentifier(0x18, in: .connect), reason: .malformedPacket, makeDecoder: { MQTTDecoder() })
        // A property length past the packet, and a property value past the property length.
        assertFails(
            [0x40, 0x05, 0x00, 0x01, 0x00, 0x05, 0x1F], .unexpectedEndOfPacket, .malformedPacket, versions: [.v5])
        assertFails(
            [0x40, 0x0A, 0x00, 0x01, 0x00, 0x03, 0x1F, 0x00, 0x05, 0x61, 0x62, 0x63], .unexpectedEndOfPacket,
            .malformedPacket,
            versions: [.v5])
        assertFails(
            [0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x01, 0x01, 0x00], .invalidPropertyIdentifier(0x01, in: .pubAck),
            .malformedPacket, versions: [.v5])
    }

    func testPropertyValues() {
        let cases: [([UInt8], MQTTPropertyIdentifier)] = [
            ([0x01, 0x02], .payloadFormatIndicator),
            ([0x08] + string("reply/+"), .responseTopic),
            ([0x08] + string(""), .responseTopic),
            ([0x0B, 0x01], .subscriptionIdentifier),
        ]
        for (property, id) in cases {
            assertFails(
                packet(0x30, string("t") + [UInt8(property.count)] + property), .invalidPropertyValue(id),
                .protocolError,
                versions: [.v5])
        }
        assertFails(
            packet(0x82, [0x00, 0x01, 0x02, 0x0B, 0x00] + string("a") + [0x00]),
            .invalidPropertyValue(.subscriptionIdentifier),
            .protocolError, versions: [.v5])
        for (property, id) in [
            ([UInt8(0x21), 0x00, 0x00], MQTTPropertyIdentifier.receiveMaximum),
            ([0x27, 0x00, 0x00, 0x00, 0x00], .maximumPacketSize),
            ([0x17, 0x02], .requestProblemInformation), ([0x19, 0x07], .requestResponseInformation),
        ] {
            assertDecodeFails(
                connectBytes(.v5, [0x02, 0x00, 0x3C, UInt8(property.count)] + property + string("c")),
                .invalidPropertyValue(id),
                reason: .protocolError, makeDecoder: { MQTTDecoder() })
        }
        for (property, id) in [
            ([UInt8(0x24), 0x02], MQTTPropertyIdentifier.maximumQoS), ([0x25, 0x02], .retainAvailable),
            ([0x28, 0x02], .wildcardSubscriptionAvailable), ([0x29, 0x02], .subscriptionIdentifierAvailable),
            ([0x2A, 0x02], .sharedSubscriptionAvailable),
        ] {
            assertDecodeFails(
                packet(0x20, [0x00, 0x00, UInt8(property.count)] + property), .invalidPropertyValue(id),
                reason: .protocolError,
                makeDecoder: { MQTTDecoder(clientVersion: .v5) })
        }
    }

    func testAuthenticationDataNeedsAMethod() {
        assertDecodeFails(
            connectBytes(.v5, [0x02, 0x00, 0x3C, 0x04, 0x16, 0x00, 0x01, 0x2A] + string("c")),
            .missingProperty(.authenticationMethod), reason: .protocolError, makeDecoder: { MQTTDecoder() })
        assertFails([0xF0, 0x02, 0x18, 0x00], .missingProperty(.authenticationMethod), .protocolError, versions: [.v5])
    }

    // MARK: Reason codes

    func testReasonCodesOutsideThePacketsTable() {
        assertFails([0x40, 0x03, 0x00, 0x01, 0x05], .invalidReasonCode(.pubAck, 0x05), .protocolError, versions: [.v5])
        assertFails([0x62, 0x03, 0x00, 0x01, 0x10], .invalidReasonCode(.pubRel, 0x10), .protocolError, versions: [.v5])
        assertFails([0xE0, 0x01, 0x01], .invalidReasonCode(.disconnect, 0x01), .protocolError, versions: [.v5])
        assertFails([0xF0, 0x02, 0x01, 0x00], .invalidReasonCode(.auth, 0x01), .protocolError, versions: [.v5])
        assertDecodeFails(
            [0x20, 0x02, 0x00, 0x06], .invalidReasonCode(.connAck, 6), reason: .protocolError,
            makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) })
        assertDecodeFails(
            [0x90, 0x03, 0x00, 0x01, 0x03], .invalidReasonCode(.subAck, 3), reason: .protocolError,
            makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) })
        assertDecodeFails(
            [0x90, 0x04, 0x00, 0x01, 0x00, 0x11], .invalidReasonCode(.subAck, 0x11), reason: .protocolError,
            makeDecoder: { MQTTDecoder(clientVersion: .v5) })
    }

    func testConnAckFlags() {
        assertDecodeFails(
            [0x20, 0x02, 0x02, 0x00], .invalidConnAckFlags(2), reason: .malformedPacket,
            makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) })
        assertDecodeFails(
            [0x20, 0x03, 0x01, 0x87, 0x00], .invalidConnAckFlags(1), reason: .malformedPacket,
            makeDecoder: { MQTTDecoder(clientVersion: .v5) })
    }

    func testAcknowledgementsNeedReasonCodes() {
        assertDecodeFails(
            [0x90, 0x02, 0x00, 0x01], .emptyPayload(.subAck), reason: .protocolError,
            makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) })
        assertDecodeFails(
            [0xB0, 0x03, 0x00, 0x01, 0x00], .emptyPayload(.unsubAck), reason: .protocolError,
            makeDecoder: { MQTTDecoder(clientVersion: .v5) })
    }

    // MARK: Mapping

    func testV311ReturnCodesOnlyForConnectRefusals() {
        XCTAssertEqual(MQTTDecodeError.unsupportedProtocolVersion(level: 3).v311ConnectReturnCode, 1)
        XCTAssertEqual(MQTTDecodeError.clientIdentifierRejected.v311ConnectReturnCode, 2)
        XCTAssertNil(MQTTDecodeError.invalidProtocolName.v311ConnectReturnCode)
        XCTAssertNil(MQTTDecodeError.invalidConnectFlags(1).v311ConnectReturnCode)
        XCTAssertNil(MQTTDecodeError.packetTooLarge(size: 1, maximum: 0).v311ConnectReturnCode)
    }

    func testDescriptionsNameTheReason() {
        XCTAssertEqual(
            MQTTDecodeError.packetTooLarge(size: 300, maximum: 200).description,
            "MQTT Packet too large: packet of 300 bytes exceeds the maximum of 200")
        XCTAssertEqual(
            MQTTDecodeError.invalidTopicFilter.description, "MQTT Topic Filter invalid: invalid topic filter")
    }
}

extension Array where Element == UInt8 {
    /// Inserts an empty property list after the packet identifier of a SUBSCRIBE built with a
    /// one-byte remaining length, for the MQTT 5.0 form of the same packet.
    fileprivate func withProperties() -> [UInt8] {
        [self[0], self[1] + 1, self[2], self[3], 0x00] + self[4...]
    }
}
