import XCTest

@testable import MQTTCodec

/// The exact bytes of what a server sends, in both versions.
final class MQTTEncoderTests: XCTestCase {
    private func bytes(_ version: MQTTProtocolVersion, _ packets: MQTTPacket...) -> [UInt8] {
        MQTTEncoder(version: version).bytes(packets)
    }

    func testConnAckV311() {
        XCTAssertEqual(bytes(.v3_1_1, .connAck(MQTTPacket.ConnAck())), hex("20 02 00 00"))
        XCTAssertEqual(bytes(.v3_1_1, .connAck(MQTTPacket.ConnAck(sessionPresent: true))), hex("20 02 01 00"))
        XCTAssertEqual(bytes(.v3_1_1, .connAck(MQTTPacket.ConnAck(reasonCode: .notAuthorized))), hex("20 02 00 05"))
        XCTAssertEqual(
            bytes(.v3_1_1, .connAck(MQTTPacket.ConnAck(reasonCode: .badUserNameOrPassword))), hex("20 02 00 04"))
        // Properties do not exist in 3.1.1.
        XCTAssertEqual(
            bytes(.v3_1_1, .connAck(MQTTPacket.ConnAck(properties: .with { $0.maximumPacketSize = 1024 }))),
            hex("20 02 00 00"))
    }

    /// What Tributary's CONNACK announces: limits, no retain, wildcard and shared subscriptions.
    func testConnAckV5WithServerProperties() {
        var properties = MQTTProperties()
        properties.maximumPacketSize = 262_144
        properties.receiveMaximum = 100
        properties.topicAliasMaximum = 10
        properties.retainAvailable = false
        properties.sharedSubscriptionAvailable = true
        properties.wildcardSubscriptionAvailable = true
        properties.assignedClientIdentifier = "auto-1"
        properties.serverKeepAlive = 60
        XCTAssertEqual(
            bytes(.v5, .connAck(MQTTPacket.ConnAck(properties: properties))),
            hex("20 20 00 00 1D") + hex("12 00 06 61 75 74 6F 2D 31") + hex("13 00 3C 21 00 64 22 00 0A 25 00")
                + hex("27 00 04 00 00 28 01 2A 01"))
        XCTAssertEqual(
            bytes(.v5, .connAck(MQTTPacket.ConnAck(reasonCode: .badUserNameOrPassword))), hex("20 03 00 86 00"))
    }

    func testPublishResponsesLeaveOutWhatTheyCan() {
        let stored = MQTTProperties.with { $0.reasonString = "x" }
        XCTAssertEqual(bytes(.v5, .pubAck(MQTTPacket.PublishResponse(packetID: 7))), hex("40 02 00 07"))
        XCTAssertEqual(
            bytes(.v5, .pubAck(MQTTPacket.PublishResponse(packetID: 7, reasonCode: .noMatchingSubscribers))),
            hex("40 03 00 07 10"))
        XCTAssertEqual(
            bytes(.v5, .pubAck(MQTTPacket.PublishResponse(packetID: 7, properties: stored))),
            hex("40 08 00 07 00 04 1F 00 01 78"))
        XCTAssertEqual(bytes(.v5, .pubRec(MQTTPacket.PublishResponse(packetID: 258))), hex("50 02 01 02"))
        XCTAssertEqual(bytes(.v5, .pubRel(MQTTPacket.PublishResponse(packetID: 7))), hex("62 02 00 07"))
        XCTAssertEqual(bytes(.v5, .pubComp(MQTTPacket.PublishResponse(packetID: 7))), hex("70 02 00 07"))
        XCTAssertEqual(
            bytes(
                .v3_1_1,
                .pubAck(MQTTPacket.PublishResponse(packetID: 7, reasonCode: .quotaExceeded, properties: stored))),
            hex("40 02 00 07"))
        XCTAssertEqual(bytes(.v3_1_1, .pubRel(MQTTPacket.PublishResponse(packetID: 7))), hex("62 02 00 07"))
    }

    func testSubscriptionAcknowledgements() {
        let subAck = MQTTPacket.SubAck(packetID: 1, reasonCodes: [.grantedQoS1, .wildcardSubscriptionsNotSupported])
        XCTAssertEqual(bytes(.v5, .subAck(subAck)), hex("90 05 00 01 00 01 A2"))
        XCTAssertEqual(bytes(.v3_1_1, .subAck(subAck)), hex("90 04 00 01 01 80"))
        let unsubAck = MQTTPacket.UnsubAck(packetID: 1, reasonCodes: [.noSubscriptionExisted])
        XCTAssertEqual(bytes(.v5, .unsubAck(unsubAck)), hex("B0 04 00 01 00 11"))
        XCTAssertEqual(bytes(.v3_1_1, .unsubAck(unsubAck)), hex("B0 02 00 01"))
    }

    func testPingAndDisconnect() {
        XCTAssertEqual(bytes(.v3_1_1, .pingResp, .pingReq), hex("D0 00 C0 00"))
        XCTAssertEqual(bytes(.v5, .disconnect(MQTTPacket.Disconnect())), hex("E0 00"))
        // With the property length, which paho-mqtt 1.6 needs to read the reason code.
        XCTAssertEqual(bytes(.v5, .disconnect(MQTTPacket.Disconnect(reasonCode: .sessionTakenOver))), hex("E0 02 8E 00"))
        XCTAssertEqual(
            bytes(
                .v5,
                .disconnect(
                    MQTTPacket.Disconnect(reasonCode: .useAnotherServer, properties: .with { $0.serverReference = "b" })
                )),
            hex("E0 06 9C 04 1C 00 01 62"))
        XCTAssertEqual(bytes(.v3_1_1, .disconnect(MQTTPacket.Disconnect(reasonCode: .sessionTakenOver))), hex("E0 00"))
        XCTAssertEqual(bytes(.v5, .auth(MQTTPacket.Auth())), hex("F0 00"))
    }

    func testPublish() {
        XCTAssertEqual(bytes(.v5, .publish(MQTTPacket.Publish(topic: "t", payload: [1]))), hex("30 05 00 01 74 00 01"))
        XCTAssertEqual(bytes(.v3_1_1, .publish(MQTTPacket.Publish(topic: "t", payload: [1]))), hex("30 04 00 01 74 01"))
        XCTAssertEqual(
            bytes(
                .v3_1_1,
                .publish(
                    MQTTPacket.Publish(dup: true, qos: .exactlyOnce, retain: true, topic: "t", packetID: 9, payload: [])
                )),
            hex("3D 05 00 01 74 00 09"))
    }

    func testEncodePublishFromABorrowedPayloadAppends() {
        let payload: [UInt8] = Array("hello".utf8)
        var properties = MQTTProperties()
        properties.subscriptionIdentifiers = [5]
        let packet = MQTTPacket.Publish(
            qos: .atLeastOnce, topic: "a/b", packetID: 3, payload: payload, properties: properties)
        let encoder = MQTTEncoder(version: .v5)
        var buffer: [UInt8] = [0xEE]
        payload.withUnsafeBytes {
            encoder.encodePublish(
                topic: "a/b", payload: $0, qos: .atLeastOnce, packetID: 3, properties: properties, into: &buffer)
        }
        XCTAssertEqual(buffer, [0xEE] + encoder.bytes([.publish(packet)]))
    }

    /// A payload whose remaining length needs all four bytes.
    func testLargestLengthEncoding() throws {
        let payload = [UInt8](repeating: 0x5A, count: 2_097_152)
        let packet = MQTTPacket.publish(MQTTPacket.Publish(topic: "big", payload: payload))
        let encoded = bytes(.v3_1_1, packet)
        XCTAssertEqual(Array(encoded[0..<5]), hex("30 85 80 80 01"))
        var decoder = connectedServer(.v3_1_1, maximumPacketSize: 4 * 1024 * 1024)
        XCTAssertEqual(try decoder.decode(encoded), [packet])
    }
}
