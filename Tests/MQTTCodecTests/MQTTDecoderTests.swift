import XCTest

@testable import MQTTCodec

final class MQTTDecoderTests: XCTestCase {
    // MARK: Interop: bytes real clients send

    /// Captured from mosquitto_pub 2.0.11 (Debian 12, package mosquitto-clients) talking to a
    /// Python socket server that answered CONNACK `20 02 00 00` and PUBACK `40 02 00 01`:
    ///
    ///     mosquitto_pub -h 127.0.0.1 -p 18833 -V mqttv311 -i tributary-test -k 30 -q 1 \
    ///         -t sensors/temp -m '{"t":21.5}'
    ///
    /// CONNECT, PUBLISH at QoS 1 with packet identifier 1, DISCONNECT.
    private let mosquittoV311 = hex(
        "101a00044d5154540402001e000e7472696275746172792d74657374"
            + "321a000c73656e736f72732f74656d7000017b2274223a32312e357d" + "e000")

    /// The same with MQTT 5.0 (CONNACK `20 03 00 00 00`), QoS 0, a content type and a user property:
    ///
    ///     mosquitto_pub -h 127.0.0.1 -p 18832 -V mqttv5 -i tributary-test -k 30 -q 0 \
    ///         -t sensors/temp -m '{"t":21.5}' \
    ///         -D publish content-type application/json -D publish user-property site lab-1
    ///
    /// Its CONNECT carries Receive Maximum 20, mosquitto's default.
    private let mosquittoV5 = hex(
        "101e00044d5154540502001e03210014000e7472696275746172792d74657374"
            + "303a000c73656e736f72732f74656d70210300106170706c69636174696f6e2f6a736f6e"
            + "2600047369746500056c61622d317b2274223a32312e357d" + "e000")

    func testDecodesMosquittoV311() throws {
        for feed in Feed.allCases {
            var decoder = MQTTDecoder()
            let packets = try decoder.decode(mosquittoV311, feed: feed)
            XCTAssertEqual(
                packets,
                [
                    .connect(MQTTPacket.Connect(protocolVersion: .v3_1_1, clientID: "tributary-test", keepAlive: 30)),
                    .publish(
                        MQTTPacket.Publish(
                            qos: .atLeastOnce, topic: "sensors/temp", packetID: 1, payload: Array("{\"t\":21.5}".utf8))),
                    .disconnect(MQTTPacket.Disconnect()),
                ])
            XCTAssertEqual(
                MQTTEncoder(version: .v3_1_1).bytes(packets), mosquittoV311, "the encoder writes what mosquitto writes")
        }
    }

    func testDecodesMosquittoV5() throws {
        var connectProperties = MQTTProperties()
        connectProperties.receiveMaximum = 20
        var publishProperties = MQTTProperties()
        publishProperties.contentType = "application/json"
        publishProperties.userProperties = [.init("site", "lab-1")]
        for feed in Feed.allCases {
            var decoder = MQTTDecoder()
            let packets = try decoder.decode(mosquittoV5, feed: feed)
            XCTAssertEqual(
                packets,
                [
                    .connect(
                        MQTTPacket.Connect(
                            protocolVersion: .v5, clientID: "tributary-test", keepAlive: 30,
                            properties: connectProperties)),
                    .publish(
                        MQTTPacket.Publish(
                            topic: "sensors/temp", payload: Array("{\"t\":21.5}".utf8), properties: publishProperties)),
                    .disconnect(MQTTPacket.Disconnect()),
                ])
            XCTAssertEqual(decoder.version, .v5)
            XCTAssertEqual(MQTTEncoder(version: .v5).bytes(packets), mosquittoV5)
        }
    }

    // MARK: Examples from the specifications

    /// MQTT 3.1.1 figure 3.6 and MQTT 5.0 figure 3-6: the CONNECT variable headers
    /// `00 04 'MQTT' 04 CE 00 0A` and `00 04 'MQTT' 05 C2 00 0A 05 11 00 00 00 0A`.
    func testConnectVariableHeaderExamples() throws {
        let v311 = MQTTPacket.Connect(
            protocolVersion: .v3_1_1, clientID: "c", cleanStart: true, keepAlive: 10, username: "u", password: [1],
            will: .init(topic: "w", payload: [], qos: .atLeastOnce))
        let v311Bytes = MQTTEncoder(version: .v3_1_1).bytes([.connect(v311)])
        XCTAssertEqual(Array(v311Bytes[2..<12]), hex("00 04 4D 51 54 54 04 CE 00 0A"))

        var properties = MQTTProperties()
        properties.sessionExpiryInterval = 10
        let v5 = MQTTPacket.Connect(
            protocolVersion: .v5, clientID: "c", keepAlive: 10, username: "u", password: [1], properties: properties)
        let v5Bytes = MQTTEncoder(version: .v5).bytes([.connect(v5)])
        XCTAssertEqual(Array(v5Bytes[2..<18]), hex("00 04 4D 51 54 54 05 C2 00 0A 05 11 00 00 00 0A"))

        var decoder = MQTTDecoder()
        XCTAssertEqual(try decoder.decode(v311Bytes), [.connect(v311)])
        decoder = MQTTDecoder()
        XCTAssertEqual(try decoder.decode(v5Bytes), [.connect(v5)])
    }

    /// MQTT 3.1.1 figure 3.11 and MQTT 5.0 figure 3-9: a PUBLISH variable header for topic
    /// "a/b" and packet identifier 10 (5.0 adds an empty property length).
    func testPublishVariableHeaderExamples() throws {
        for (version, header) in [
            (MQTTProtocolVersion.v3_1_1, "00 03 61 2F 62 00 0A"), (.v5, "00 03 61 2F 62 00 0A 00"),
        ] {
            let bytes = [0x32, UInt8(hex(header).count)] + hex(header)
            var decoder = connectedServer(version)
            XCTAssertEqual(
                try decoder.decode(bytes),
                [.publish(MQTTPacket.Publish(qos: .atLeastOnce, topic: "a/b", packetID: 10, payload: []))])
        }
    }

    /// MQTT 3.1.1 figures 3.22, 3.26 and 3.30: the SUBSCRIBE payload for "a/b" at QoS 1 and
    /// "c/d" at QoS 2, a SUBACK granting 0 and 2 and refusing one, an UNSUBSCRIBE for both.
    func testSubscriptionPayloadExamples() throws {
        var decoder = connectedServer(.v3_1_1)
        let subscribe = hex("82 0E 00 01") + hex("00 03 61 2F 62 01 00 03 63 2F 64 02")
        let unsubscribe = hex("A2 0C 00 02") + hex("00 03 61 2F 62 00 03 63 2F 64")
        XCTAssertEqual(
            try decoder.decode(subscribe + unsubscribe),
            [
                .subscribe(
                    MQTTPacket.Subscribe(
                        packetID: 1,
                        subscriptions: [
                            .init(filter: "a/b", options: .init(qos: .atLeastOnce)),
                            .init(filter: "c/d", options: .init(qos: .exactlyOnce)),
                        ])),
                .unsubscribe(MQTTPacket.Unsubscribe(packetID: 2, filters: ["a/b", "c/d"])),
            ])
        let subAck = MQTTPacket.SubAck(packetID: 1, reasonCodes: [.grantedQoS0, .grantedQoS2, .unspecifiedError])
        XCTAssertEqual(MQTTEncoder(version: .v3_1_1).bytes([.subAck(subAck)]), hex("90 05 00 01 00 02 80"))
    }

    /// MQTT 5.0 section 1.5.4: "A𪛔" (U+0041, U+2A6D4) is 00 05 41 F0 AA 9B 94.
    func testUTF8StringExample() throws {
        let publish = hex("30 07") + hex("00 05 41 F0 AA 9B 94")
        var decoder = connectedServer(.v3_1_1)
        XCTAssertEqual(try decoder.decode(publish), [.publish(MQTTPacket.Publish(topic: "A\u{2A6D4}", payload: []))])
    }

    // MARK: Framing

    func testRemainingLengthTableOfTheSpecification() throws {
        let table: [(Int, String)] = [
            (0, "00"), (127, "7F"), (128, "80 01"), (16_383, "FF 7F"), (16_384, "80 80 01"), (2_097_151, "FF FF 7F"),
            (2_097_152, "80 80 80 01"), (268_435_455, "FF FF FF 7F"),
        ]
        for (value, encoding) in table {
            var bytes: [UInt8] = []
            bytes.appendVariableByteInteger(value)
            XCTAssertEqual(bytes, hex(encoding))
            XCTAssertEqual(MQTTWire.variableByteIntegerSize(value), bytes.count)
            let decoded = try bytes.withUnsafeBytes { raw throws(MQTTDecodeError) in
                try MQTTByteReader.variableByteInteger(at: raw.baseAddress!, available: raw.count)
            }
            XCTAssertEqual(decoded?.value, UInt32(value))
            XCTAssertEqual(decoded?.length, bytes.count)
        }
    }

    func testPacketsSplitAnywhereAndBatchedTogether() throws {
        let encoder = MQTTEncoder(version: .v5)
        var packets: [MQTTPacket] = [connect(.v5)]
        for index in 1...200 {
            packets.append(
                .publish(
                    MQTTPacket.Publish(
                        qos: .atLeastOnce, topic: "t/\(index)", packetID: UInt16(index),
                        payload: [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index * 37))))
        }
        let bytes = encoder.bytes(packets)
        // Chunks of every size from 1 to 5000 bytes, cycling, so packets straddle chunk edges
        // at many offsets and several packets share a chunk.
        var decoder = MQTTDecoder()
        var decoded: [MQTTPacket] = []
        var offset = 0
        var chunk = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            bytes[offset..<end].withUnsafeBytes { decoder.append($0) }
            while let packet = try decoder.next() { decoded.append(packet) }
            offset = end
            chunk = chunk % 5000 + 997
        }
        XCTAssertEqual(decoded, packets)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    func testIncompletePacketWaitsForMoreBytes() throws {
        var decoder = connectedServer(.v3_1_1)
        let publish = MQTTEncoder(version: .v3_1_1).bytes([
            .publish(MQTTPacket.Publish(topic: "t", payload: [1, 2, 3]))
        ])
        XCTAssertEqual(try decoder.decode(Array(publish.dropLast())), [])
        XCTAssertEqual(decoder.bufferedByteCount, publish.count - 1)
        XCTAssertEqual(
            try decoder.decode([publish.last!]), [.publish(MQTTPacket.Publish(topic: "t", payload: [1, 2, 3]))])
    }

    // MARK: Maximum packet size

    func testPacketTooLargeIsRefusedFromTheFixedHeaderAlone() {
        // The fixed header of a 10 MiB PUBLISH, without a byte of its body.
        var header: [UInt8] = [0x30]
        header.appendVariableByteInteger(10 * 1024 * 1024)
        for version in MQTTProtocolVersion.allCases {
            let decoder = assertDecodeFails(
                header, .packetTooLarge(size: 1 + 4 + 10 * 1024 * 1024, maximum: MQTTDecoder.defaultMaximumPacketSize),
                reason: .packetTooLarge, makeDecoder: { connectedServer(version) })
            XCTAssertLessThanOrEqual(decoder.bufferedByteCount, header.count)
            if version == .v5 {
                XCTAssertEqual(
                    decoder.reply(to: .packetTooLarge(size: 0, maximum: 0))?.packet,
                    .disconnect(MQTTPacket.Disconnect(reasonCode: .packetTooLarge)))
            }
        }
    }

    func testMaximumPacketSizeCountsTheWholePacket() throws {
        // 100 bytes in all: 1 + 1 (remaining length 98) + 2 + 1 (topic "t") + 95 payload bytes.
        let fits = MQTTPacket.Publish(topic: "t", payload: [UInt8](repeating: 7, count: 95))
        var tooLarge = fits
        tooLarge.payload.append(7)
        let encoder = MQTTEncoder(version: .v3_1_1)
        XCTAssertEqual(encoder.bytes([.publish(fits)]).count, 100)
        var decoder = connectedServer(.v3_1_1, maximumPacketSize: 100)
        XCTAssertEqual(try decoder.decode(encoder.bytes([.publish(fits)])), [.publish(fits)])
        assertDecodeFails(
            encoder.bytes([.publish(tooLarge)]), .packetTooLarge(size: 101, maximum: 100), reason: .packetTooLarge,
            makeDecoder: { connectedServer(.v3_1_1, maximumPacketSize: 100) })
    }

    func testAFailedDecoderStaysFailedAndBuffersNothingMore() {
        var decoder = MQTTDecoder()
        XCTAssertThrowsError(try decoder.decode([0xC0, 0x00]))
        let before = decoder.bufferedByteCount
        [UInt8](repeating: 0, count: 1000).withUnsafeBytes { decoder.append($0) }
        XCTAssertEqual(decoder.bufferedByteCount, before)
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual(error as? MQTTDecodeError, .firstPacketNotConnect(firstByte: 0xC0))
        }
    }

    // MARK: Replies to errors

    func testFirstPacketMustBeConnectAndGetsNoReply() {
        let decoder = assertDecodeFails(
            [0xC0, 0x00], .firstPacketNotConnect(firstByte: 0xC0), reason: .protocolError,
            makeDecoder: { MQTTDecoder() })
        XCTAssertNil(decoder.reply(to: .firstPacketNotConnect(firstByte: 0xC0)))
        // Refused from the first byte: garbage never waits for a length.
        assertDecodeFails(
            [0x47], .firstPacketNotConnect(firstByte: 0x47), reason: .protocolError, makeDecoder: { MQTTDecoder() })
    }

    func testMQTT31IsRefusedWithReturnCode1() throws {
        // The CONNECT of `mosquitto_pub -V mqttv31 -i c -t a -m x` (captured as above):
        // protocol name "MQIsdp", level 3.
        let body = hex("00 06 4D 51 49 73 64 70 03 02 00 3C 00 01 63")
        let error = MQTTDecodeError.unsupportedProtocolVersion(level: 3)
        let decoder = assertDecodeFails(
            [0x10, UInt8(body.count)] + body, error, reason: .unsupportedProtocolVersion, makeDecoder: { MQTTDecoder() }
        )
        let reply = try XCTUnwrap(decoder.reply(to: error))
        XCTAssertEqual(MQTTEncoder(version: reply.version).bytes([reply.packet]), hex("20 02 00 01"))
    }

    func testUnknownProtocolLevelGetsReturnCode1AndUnknownNameNothing() throws {
        let level6 = hex("00 04 4D 51 54 54 06 02 00 3C 00 01 63")
        var decoder = assertDecodeFails(
            [0x10, UInt8(level6.count)] + level6, .unsupportedProtocolVersion(level: 6),
            reason: .unsupportedProtocolVersion,
            makeDecoder: { MQTTDecoder() })
        let reply = try XCTUnwrap(decoder.reply(to: .unsupportedProtocolVersion(level: 6)))
        XCTAssertEqual(MQTTEncoder(version: reply.version).bytes([reply.packet]), hex("20 02 00 01"))

        let wrongName = hex("00 04 4D 51 54 58 04 02 00 3C 00 01 63")
        decoder = assertDecodeFails(
            [0x10, UInt8(wrongName.count)] + wrongName, .invalidProtocolName, reason: .unsupportedProtocolVersion,
            makeDecoder: { MQTTDecoder() })
        XCTAssertNil(decoder.reply(to: .invalidProtocolName))
    }

    func testV311EmptyClientIDNeedsCleanSession() throws {
        let persistent = MQTTPacket.Connect(protocolVersion: .v3_1_1, clientID: "", cleanStart: false)
        let decoder = assertDecodeFails(
            MQTTEncoder(version: .v3_1_1).bytes([.connect(persistent)]), .clientIdentifierRejected,
            reason: .clientIdentifierNotValid, makeDecoder: { MQTTDecoder() })
        let reply = try XCTUnwrap(decoder.reply(to: .clientIdentifierRejected))
        XCTAssertEqual(MQTTEncoder(version: reply.version).bytes([reply.packet]), hex("20 02 00 02"))

        for (version, clean) in [(MQTTProtocolVersion.v3_1_1, true), (.v5, false), (.v5, true)] {
            let anonymous = MQTTPacket.Connect(protocolVersion: version, clientID: "", cleanStart: clean)
            var decoder = MQTTDecoder()
            XCTAssertEqual(
                try decoder.decode(MQTTEncoder(version: version).bytes([.connect(anonymous)])), [.connect(anonymous)])
        }
    }

    func testV5ConnectErrorsAreAnsweredWithConnAck() throws {
        // CONNECT with Receive Maximum twice.
        let body = hex("00 04 4D 51 54 54 05 02 00 3C 06 21 00 0A 21 00 0B 00 01 63")
        let error = MQTTDecodeError.duplicateProperty(.receiveMaximum)
        let decoder = assertDecodeFails(
            [0x10, UInt8(body.count)] + body, error, reason: .protocolError, makeDecoder: { MQTTDecoder() })
        let reply = try XCTUnwrap(decoder.reply(to: error))
        XCTAssertEqual(reply.version, .v5)
        XCTAssertEqual(MQTTEncoder(version: .v5).bytes([reply.packet]), hex("20 03 00 82 00"))
    }

    func testV311ViolationsAfterConnectCloseWithoutReply() {
        let decoder = assertDecodeFails(
            [0x80, 0x00], .invalidFixedHeaderFlags(.subscribe, flags: 0), reason: .malformedPacket,
            makeDecoder: { connectedServer(.v3_1_1) })
        XCTAssertNil(decoder.reply(to: .invalidFixedHeaderFlags(.subscribe, flags: 0)))
        // A 3.1.1 CONNECT whose client identifier is not UTF-8 has no return code.
        let body = hex("00 04 4D 51 54 54 04 02 00 3C 00 01 FF")
        let connecting = assertDecodeFails(
            [0x10, UInt8(body.count)] + body, .invalidUTF8String, reason: .malformedPacket,
            makeDecoder: { MQTTDecoder() })
        XCTAssertNil(connecting.reply(to: .invalidUTF8String))
    }

    func testV5ViolationsAfterConnectAreAnsweredWithDisconnect() throws {
        let decoder = assertDecodeFails(
            [0x80, 0x00], .invalidFixedHeaderFlags(.subscribe, flags: 0), reason: .malformedPacket,
            makeDecoder: { connectedServer(.v5) })
        let reply = try XCTUnwrap(decoder.reply(to: .invalidFixedHeaderFlags(.subscribe, flags: 0)))
        XCTAssertEqual(MQTTEncoder(version: reply.version).bytes([reply.packet]), hex("E0 02 81 00"))
    }
}
