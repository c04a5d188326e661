import XCTest

@testable import MQTTCodec

final class MQTTPropertiesTests: XCTestCase {
    /// MQTT 5.0 table 2-4: identifier, value type, and the packets that carry it (W = will).
    private let table: [(UInt8, MQTTPropertyIdentifier.ValueType, String)] = [
        (0x01, .byte, "PUBLISH W"), (0x02, .fourByteInteger, "PUBLISH W"), (0x03, .utf8String, "PUBLISH W"),
        (0x08, .utf8String, "PUBLISH W"), (0x09, .binaryData, "PUBLISH W"),
        (0x0B, .variableByteInteger, "PUBLISH SUBSCRIBE"),
        (0x11, .fourByteInteger, "CONNECT CONNACK DISCONNECT"), (0x12, .utf8String, "CONNACK"),
        (0x13, .twoByteInteger, "CONNACK"), (0x15, .utf8String, "CONNECT CONNACK AUTH"),
        (0x16, .binaryData, "CONNECT CONNACK AUTH"), (0x17, .byte, "CONNECT"), (0x18, .fourByteInteger, "W"),
        (0x19, .byte, "CONNECT"), (0x1A, .utf8String, "CONNACK"), (0x1C, .utf8String, "CONNACK DISCONNECT"),
        (0x1F, .utf8String, "CONNACK PUBACK PUBREC PUBREL PUBCOMP SUBACK UNSUBACK DISCONNECT AUTH"),
        (0x21, .twoByteInteger, "CONNECT CONNACK"), (0x22, .twoByteInteger, "CONNECT CONNACK"),
        (0x23, .twoByteInteger, "PUBLISH"),
        (0x24, .byte, "CONNACK"), (0x25, .byte, "CONNACK"),
        (
            0x26, .utf8StringPair,
            "CONNECT CONNACK PUBLISH W PUBACK PUBREC PUBREL PUBCOMP SUBSCRIBE SUBACK UNSUBSCRIBE UNSUBACK DISCONNECT AUTH"
        ),
        (0x27, .fourByteInteger, "CONNECT CONNACK"), (0x28, .byte, "CONNACK"), (0x29, .byte, "CONNACK"),
        (0x2A, .byte, "CONNACK"),
    ]

    func testIdentifierTableMatchesTheSpecification() {
        XCTAssertEqual(MQTTPropertyIdentifier.allCases.count, table.count)
        for (raw, type, packets) in table {
            let id = MQTTPropertyIdentifier(rawValue: raw)!
            XCTAssertEqual(id.valueType, type, "\(id)")
            let names = Set(packets.split(separator: " ").map(String.init))
            for packetType in MQTTPacketType.allCases {
                XCTAssertEqual(
                    id.isAllowed(in: packetType), names.contains(packetType.description), "\(id) in \(packetType)")
            }
            XCTAssertEqual(id.isAllowedInWillProperties, names.contains("W"), "\(id) in will")
        }
        XCTAssertTrue(MQTTPropertyIdentifier.subscriptionIdentifier.isRepeatable(in: .publish))
        XCTAssertFalse(MQTTPropertyIdentifier.subscriptionIdentifier.isRepeatable(in: .subscribe))
        XCTAssertTrue(MQTTPropertyIdentifier.userProperty.isRepeatable(in: .connAck))
        XCTAssertFalse(MQTTPropertyIdentifier.contentType.isRepeatable(in: .publish))
    }

    /// Each value type at its limits, through a CONNACK (which carries most of them) and a
    /// PUBLISH from the server.
    func testValuesAtTheirLimitsRoundTrip() {
        var connAck = MQTTProperties()
        connAck.sessionExpiryInterval = .max
        connAck.serverKeepAlive = .max
        connAck.receiveMaximum = 1
        connAck.maximumPacketSize = 1
        connAck.topicAliasMaximum = 0
        connAck.maximumQoS = .atMostOnce
        connAck.retainAvailable = false
        connAck.assignedClientIdentifier = ""
        connAck.reasonString = String(repeating: "r", count: 1000)
        connAck.authenticationMethod = "m"
        connAck.authenticationData = []
        connAck.userProperties = [.init("", ""), .init("k", "v"), .init("", "")]
        var publish = MQTTProperties()
        publish.payloadFormatIndicator = 0
        publish.messageExpiryInterval = 0
        publish.correlationData = [UInt8](repeating: 0xAB, count: 65_535)
        publish.subscriptionIdentifiers = [1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455]
        assertRoundTrip(
            [
                .connAck(MQTTPacket.ConnAck(properties: connAck)),
                .publish(MQTTPacket.Publish(topic: "t", payload: [1], properties: publish)),
            ],
            version: .v5, makeDecoder: { MQTTDecoder(clientVersion: .v5) })
    }

    func testEncodingOrderAndBytes() {
        var properties = MQTTProperties()
        properties.userProperties = [.init("a", "1")]
        properties.contentType = "x"
        properties.messageExpiryInterval = 10
        var bytes: [UInt8] = []
        let length = properties.encodedLength(allowed: MQTTPropertyIdentifier.allowedMask(in: .publish))
        properties.write(length: length, into: &bytes)
        XCTAssertEqual(bytes, hex("10 02 00 00 00 0A 03 00 01 78 26 00 01 61 00 01 31"))
    }

    func testIsEmpty() {
        XCTAssertTrue(MQTTProperties().isEmpty)
        XCTAssertFalse(MQTTProperties.with { $0.subscriptionIdentifiers = [1] }.isEmpty)
        XCTAssertFalse(MQTTProperties.with { $0.requestProblemInformation = true }.isEmpty)
    }
}
