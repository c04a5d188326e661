import XCTest

@testable import MQTTCodec

final class MQTTReasonCodeTests: XCTestCase {
    /// The 43 values of MQTT 5.0 table 2-6, each named.
    func testEveryReasonCodeHasAName() {
        let defined: [UInt8] = [0x00, 0x01, 0x02, 0x04, 0x10, 0x11, 0x18, 0x19] + Array(0x80...0xA2)
        XCTAssertEqual(defined.count, 43)
        for value in UInt8.min...UInt8.max {
            XCTAssertEqual(
                MQTTReasonCode(rawValue: value).name != nil, defined.contains(value), "0x\(String(value, radix: 16))")
        }
        XCTAssertEqual(MQTTReasonCode.topicAliasInvalid.name, "Topic Alias invalid")
        XCTAssertEqual(MQTTReasonCode.normalDisconnection.name(in: .disconnect), "Normal disconnection")
        XCTAssertEqual(MQTTReasonCode.grantedQoS0.name(in: .subAck), "Granted QoS 0")
        XCTAssertEqual(MQTTReasonCode.success.name(in: .pubAck), "Success")
        XCTAssertEqual(MQTTReasonCode.packetTooLarge.description, "0x95 Packet too large")
        XCTAssertEqual(MQTTReasonCode(rawValue: 0x03).description, "0x03 (undefined)")
        XCTAssertTrue(MQTTReasonCode.unspecifiedError.isFailure)
        XCTAssertFalse(MQTTReasonCode.noMatchingSubscribers.isFailure)
    }

    func testPacketTables() {
        XCTAssertTrue(MQTTReasonCode.noMatchingSubscribers.isAllowed(in: .pubAck))
        XCTAssertFalse(MQTTReasonCode.noMatchingSubscribers.isAllowed(in: .pubRel))
        XCTAssertTrue(MQTTReasonCode.packetIdentifierNotFound.isAllowed(in: .pubComp))
        XCTAssertTrue(MQTTReasonCode.sessionTakenOver.isAllowed(in: .disconnect))
        XCTAssertFalse(MQTTReasonCode.sessionTakenOver.isAllowed(in: .connAck))
        XCTAssertTrue(MQTTReasonCode.badAuthenticationMethod.isAllowed(in: .connAck))
        XCTAssertFalse(MQTTReasonCode.badAuthenticationMethod.isAllowed(in: .disconnect))
        XCTAssertTrue(MQTTReasonCode.reAuthenticate.isAllowed(in: .auth))
        XCTAssertTrue(MQTTReasonCode.grantedQoS2.isAllowed(in: .subAck))
        XCTAssertFalse(MQTTReasonCode.grantedQoS2.isAllowed(in: .unsubAck))
        XCTAssertFalse(MQTTReasonCode.success.isAllowed(in: .publish))
        // Every code some packet allows is a defined one.
        for value in UInt8.min...UInt8.max
        where MQTTPacketType.allCases.contains(where: { MQTTReasonCode(rawValue: value).isAllowed(in: $0) }) {
            XCTAssertNotNil(MQTTReasonCode(rawValue: value).name)
        }
    }

    func testV311ConnectReturnCodes() {
        for code: UInt8 in 0...5 {
            let reason = MQTTReasonCode(v311ConnectReturnCode: code)
            XCTAssertEqual(reason?.v311ConnectReturnCode, code)
            XCTAssertTrue(reason.map { $0.isAllowed(in: .connAck) } ?? false)
        }
        XCTAssertNil(MQTTReasonCode(v311ConnectReturnCode: 6))
        XCTAssertEqual(MQTTReasonCode.serverBusy.v311ConnectReturnCode, 3)
        XCTAssertEqual(MQTTReasonCode.banned.v311ConnectReturnCode, 5)
        XCTAssertNil(MQTTReasonCode.malformedPacket.v311ConnectReturnCode)
        XCTAssertNil(MQTTReasonCode.protocolError.v311ConnectReturnCode)
    }
}
