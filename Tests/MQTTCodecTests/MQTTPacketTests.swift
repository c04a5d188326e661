import XCTest

@testable import MQTTCodec

/// Every packet type, both versions, encoded and decoded back whole and byte by byte.
final class MQTTPacketTests: XCTestCase {
    private let payload: [UInt8] = Array("{\"temperature\":21.5}".utf8)

    private func userProperties(_ tag: String) -> [MQTTProperties.UserProperty] {
        [.init("origin", tag), .init("site", "lab-1"), .init("origin", "repeated names keep their order")]
    }

    // MARK: Client to server

    private func clientPackets(_ version: MQTTProtocolVersion) -> [MQTTPacket] {
        let v5 = version == .v5
        var connectProperties = MQTTProperties()
        var willProperties = MQTTProperties()
        var publishProperties = MQTTProperties()
        var subscribeProperties = MQTTProperties()
        var ackProperties = MQTTProperties()
        var disconnectProperties = MQTTProperties()
        var authProperties = MQTTProperties()
        if v5 {
            connectProperties.sessionExpiryInterval = 3600
            connectProperties.receiveMaximum = 20
            connectProperties.maximumPacketSize = 65_536
            connectProperties.topicAliasMaximum = 8
            connectProperties.requestResponseInformation = true
            connectProperties.requestProblemInformation = false
            connectProperties.authenticationMethod = "SCRAM-SHA-256"
            connectProperties.authenticationData = [0x01, 0x02, 0x00, 0xFF]
            connectProperties.userProperties = userProperties("connect")
            willProperties.willDelayInterval = 30
            willProperties.payloadFormatIndicator = 1
            willProperties.messageExpiryInterval = 600
            willProperties.contentType = "text/plain"
            willProperties.responseTopic = "replies/device-1"
            willProperties.correlationData = [9, 8, 7]
            willProperties.userProperties = userProperties("will")
            publishProperties.payloadFormatIndicator = 1
            publishProperties.messageExpiryInterval = 120
            publishProperties.contentType = "application/json"
            publishProperties.responseTopic = "replies/device-1"
            publishProperties.correlationData = [0xCA, 0xFE]
            publishProperties.topicAlias = 3
            publishProperties.userProperties = userProperties("publish")
            subscribeProperties.subscriptionIdentifiers = [268_435_455]
            subscribeProperties.userProperties = userProperties("subscribe")
            ackProperties.reasonString = "stored"
            ackProperties.userProperties = userProperties("ack")
            disconnectProperties.sessionExpiryInterval = 0
            disconnectProperties.reasonString = "bye"
            disconnectProperties.userProperties = userProperties("disconnect")
            authProperties.authenticationMethod = "SCRAM-SHA-256"
            authProperties.authenticationData = Array("client-final".utf8)
            authProperties.reasonString = "step 2"
        }
        let will = MQTTPacket.Connect.Will(
            topic: "devices/device-1/status", payload: Array("offline".utf8), qos: .atLeastOnce, retain: true,
            properties: willProperties)
        var packets: [MQTTPacket] = [
            .connect(
                MQTTPacket.Connect(
                    protocolVersion: version, clientID: "device-1@app", cleanStart: false, keepAlive: 30,
                    username: "device-1@app", password: [0x70, 0x00, 0x77], will: will, properties: connectProperties)),
            .publish(MQTTPacket.Publish(topic: "telemetry", payload: payload, properties: publishProperties)),
            .publish(
                MQTTPacket.Publish(
                    dup: true, qos: .atLeastOnce, retain: true, topic: "telemetry/device-2", packetID: 1, payload: [])),
            .publish(MQTTPacket.Publish(qos: .exactlyOnce, topic: "ünïcode/温度/🌡", packetID: 65_535, payload: payload)),
            .pubAck(MQTTPacket.PublishResponse(packetID: 7)),
            .pubRec(MQTTPacket.PublishResponse(packetID: 8)),
            .pubRel(MQTTPacket.PublishResponse(packetID: 8)),
            .pubComp(MQTTPacket.PublishResponse(packetID: 8)),
            .subscribe(
                MQTTPacket.Subscribe(
                    packetID: 2,
                    subscriptions: [
                        .init(filter: "command/inbox/#"),
                        .init(filter: "$share/group/app/+", options: .init(qos: .atLeastOnce)),
                        .init(
                            filter: "a/+/c",
                            options: v5
                                ? .init(
                                    qos: .exactlyOnce, noLocal: true, retainAsPublished: true,
                                    retainHandling: .doNotSend)
                                : .init(qos: .exactlyOnce)),
                    ], properties: subscribeProperties)),
            .unsubscribe(
                MQTTPacket.Unsubscribe(
                    packetID: 3, filters: ["command/inbox/#", "a/+/c"],
                    properties: v5 ? .with { $0.userProperties = self.userProperties("unsubscribe") } : MQTTProperties()
                )),
            .pingReq,
        ]
        if v5 {
            packets += [
                .pubAck(MQTTPacket.PublishResponse(packetID: 9, reasonCode: .noMatchingSubscribers)),
                .pubRec(
                    MQTTPacket.PublishResponse(packetID: 10, reasonCode: .quotaExceeded, properties: ackProperties)),
                .pubRel(MQTTPacket.PublishResponse(packetID: 11, reasonCode: .packetIdentifierNotFound)),
                .pubComp(MQTTPacket.PublishResponse(packetID: 12, properties: ackProperties)),
                .auth(MQTTPacket.Auth(reasonCode: .continueAuthentication, properties: authProperties)),
                .auth(MQTTPacket.Auth()),
                .disconnect(MQTTPacket.Disconnect(reasonCode: .disconnectWithWillMessage)),
                .disconnect(MQTTPacket.Disconnect(reasonCode: .normalDisconnection, properties: disconnectProperties)),
            ]
        } else {
            packets.append(.disconnect(MQTTPacket.Disconnect()))
        }
        return packets
    }

    func testClientPacketsRoundTripInBothVersions() {
        for version in MQTTProtocolVersion.allCases {
            assertRoundTrip(
                clientPackets(version), version: version, makeDecoder: { MQTTDecoder(topicAliasMaximum: 8) })
        }
    }

    func testVersionIsNegotiatedByConnect() throws {
        for version in MQTTProtocolVersion.allCases {
            var decoder = MQTTDecoder()
            XCTAssertNil(decoder.version)
            _ = try decoder.decode(MQTTEncoder(version: version).bytes([connect(version)]))
            XCTAssertEqual(decoder.version, version)
        }
    }

    // MARK: Server to client

    private func serverPackets(_ version: MQTTProtocolVersion) -> [MQTTPacket] {
        let v5 = version == .v5
        var connAckProperties = MQTTProperties()
        var publishProperties = MQTTProperties()
        var ackProperties = MQTTProperties()
        if v5 {
            connAckProperties.sessionExpiryInterval = 0
            connAckProperties.receiveMaximum = 100
            connAckProperties.maximumQoS = .atLeastOnce
            connAckProperties.retainAvailable = false
            connAckProperties.maximumPacketSize = 262_144
            connAckProperties.assignedClientIdentifier = "tributary-0001"
            connAckProperties.topicAliasMaximum = 10
            connAckProperties.reasonString = "welcome"
            connAckProperties.wildcardSubscriptionAvailable = true
            connAckProperties.subscriptionIdentifiersAvailable = false
            connAckProperties.sharedSubscriptionAvailable = true
            connAckProperties.serverKeepAlive = 120
            connAckProperties.responseInformation = "responses/"
            connAckProperties.serverReference = "other.example:1883"
            connAckProperties.authenticationMethod = "SCRAM-SHA-256"
            connAckProperties.authenticationData = [1]
            connAckProperties.userProperties = userProperties("connack")
            publishProperties.subscriptionIdentifiers = [1, 128, 16_384]
            publishProperties.contentType = "application/cloudevents+json; charset=utf-8"
            publishProperties.userProperties = userProperties("delivery")
            ackProperties.reasonString = "see logs"
        }
        var packets: [MQTTPacket] = [
            .connAck(MQTTPacket.ConnAck(sessionPresent: true, properties: connAckProperties)),
            .connAck(MQTTPacket.ConnAck(reasonCode: .badUserNameOrPassword)),
            .publish(
                MQTTPacket.Publish(
                    qos: .atLeastOnce, topic: "app/drogue", packetID: 4, payload: payload, properties: publishProperties
                )),
            .pubAck(MQTTPacket.PublishResponse(packetID: 4)),
            .pubRec(MQTTPacket.PublishResponse(packetID: 5)),
            .pubRel(MQTTPacket.PublishResponse(packetID: 5)),
            .pubComp(MQTTPacket.PublishResponse(packetID: 5)),
            .subAck(
                MQTTPacket.SubAck(
                    packetID: 2, reasonCodes: [.grantedQoS0, .grantedQoS1, .grantedQoS2, .unspecifiedError])),
            .unsubAck(MQTTPacket.UnsubAck(packetID: 3, reasonCodes: v5 ? [.success] : [])),
            .pingResp,
        ]
        if v5 {
            packets += [
                .connAck(MQTTPacket.ConnAck(reasonCode: .unsupportedProtocolVersion)),
                .pubAck(MQTTPacket.PublishResponse(packetID: 6, reasonCode: .notAuthorized, properties: ackProperties)),
                .subAck(
                    MQTTPacket.SubAck(
                        packetID: 7, reasonCodes: [.wildcardSubscriptionsNotSupported, .topicFilterInvalid],
                        properties: ackProperties)),
                .unsubAck(
                    MQTTPacket.UnsubAck(
                        packetID: 8, reasonCodes: [.success, .noSubscriptionExisted], properties: ackProperties)),
                .auth(
                    MQTTPacket.Auth(
                        reasonCode: .continueAuthentication,
                        properties: .with { $0.authenticationMethod = "SCRAM-SHA-256" })),
                .disconnect(
                    MQTTPacket.Disconnect(
                        reasonCode: .serverMoved, properties: .with { $0.serverReference = "other.example:1883" })),
                .disconnect(MQTTPacket.Disconnect(reasonCode: .sessionTakenOver)),
            ]
        }
        return packets
    }

    func testServerPacketsRoundTripInBothVersions() {
        for version in MQTTProtocolVersion.allCases {
            assertRoundTrip(
                serverPackets(version), version: version, makeDecoder: { MQTTDecoder(clientVersion: version) })
        }
    }

    /// What MQTT 3.1.1 cannot carry is left out, not refused: the plugin builds one packet for
    /// subscribers of either version.
    func testV311EncodingDropsWhatItCannotCarry() {
        var properties = MQTTProperties()
        properties.contentType = "application/json"
        properties.reasonString = "dropped"
        let publish = MQTTPacket.Publish(topic: "t", payload: [1], properties: properties)
        var plain = publish
        plain.properties = MQTTProperties()
        assertRoundTrip(
            [.publish(publish), .pubAck(MQTTPacket.PublishResponse(packetID: 1, reasonCode: .quotaExceeded))],
            version: .v3_1_1, makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) },
            expected: [.publish(plain), .pubAck(MQTTPacket.PublishResponse(packetID: 1))])
        assertRoundTrip(
            [
                .subAck(MQTTPacket.SubAck(packetID: 1, reasonCodes: [.notAuthorized, .grantedQoS1])),
                .unsubAck(MQTTPacket.UnsubAck(packetID: 2, reasonCodes: [.noSubscriptionExisted])),
            ],
            version: .v3_1_1, makeDecoder: { MQTTDecoder(clientVersion: .v3_1_1) },
            expected: [
                .subAck(MQTTPacket.SubAck(packetID: 1, reasonCodes: [.unspecifiedError, .grantedQoS1])),
                .unsubAck(MQTTPacket.UnsubAck(packetID: 2)),
            ])
    }

    func testPacketTypeOfEveryCase() {
        XCTAssertEqual(
            (clientPackets(.v5) + serverPackets(.v5)).map(\.type).reduce(into: Set<MQTTPacketType>()) { $0.insert($1) },
            Set(MQTTPacketType.allCases))
    }
}
