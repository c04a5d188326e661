import MQTTCodec
import XCTest

/// The mqtt plugin's device session in-process: QoS 2 exactly once, acknowledgements in arrival
/// order whatever order the sinks answer in, and one connection per device.
final class DeviceSessionTests: ManualLoopTestCase {
    private func publish(_ id: UInt16, qos: MQTTQoS, dup: Bool = false) -> MQTTPacket {
        .publish(.init(dup: dup, qos: qos, topic: "telemetry", packetID: id, payload: Array("{\"n\":\(id)}".utf8)))
    }

    /// A QoS 2 PUBLISH resent (same packet id) before PUBREL is the same message: published
    /// once, answered with PUBREC again; after PUBCOMP the id is free for a new message.
    func testQoS2DuplicateBeforePubRelIsPublishedOnce() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context())
        try client.connect()
        client.send(publish(7, qos: .exactlyOnce))
        client.send(publish(7, qos: .exactlyOnce, dup: true))
        XCTAssertEqual(try client.received(), [], "no PUBREC before the sink took it")
        XCTAssertEqual(RecordingAdapterHost.messages.count, 1, "the resend while publishing is not published")
        RecordingAdapterHost.complete(0)
        XCTAssertEqual(try client.received(), [.pubRec(.init(packetID: 7))])
        client.send(publish(7, qos: .exactlyOnce, dup: true))
        XCTAssertEqual(try client.received(), [.pubRec(.init(packetID: 7))], "the resend after PUBREC is answered again")
        XCTAssertEqual(RecordingAdapterHost.messages.count, 1, "and not published")
        client.send(.pubRel(.init(packetID: 7)))
        XCTAssertEqual(try client.received(), [.pubComp(.init(packetID: 7))])
        client.send(publish(7, qos: .exactlyOnce))
        XCTAssertEqual(RecordingAdapterHost.messages.count, 2, "after PUBCOMP the id names a new message")
    }

    /// Sinks complete 3, 1, 2: PUBACKs go out 1, 2, 3, each once every earlier one could.
    func testPubAcksGoOutInArrivalOrderWhenSinksCompleteOutOfOrder() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context())
        try client.connect()
        for id: UInt16 in 1...3 { client.send(publish(id, qos: .atLeastOnce)) }
        XCTAssertEqual(RecordingAdapterHost.messages.count, 3)
        RecordingAdapterHost.complete(2)
        XCTAssertEqual(try client.received(), [], "3 waits for 1 and 2")
        RecordingAdapterHost.complete(0)
        XCTAssertEqual(try client.received(), [.pubAck(.init(packetID: 1))])
        RecordingAdapterHost.complete(1)
        XCTAssertEqual(try client.received(), [.pubAck(.init(packetID: 2)), .pubAck(.init(packetID: 3))])
    }

    /// A second connection of the same device takes over: the old 5.0 session gets DISCONNECT
    /// 0x8E (with a reason string, which paho-mqtt 1.6 needs to see the code) and is closed.
    func testTakeoverDisconnectsTheOldSessionWithSessionTakenOver() throws {
        let context = try MQTTTestClient.context()
        let old = MQTTTestClient(loop, context: context, version: .v5)
        try old.connect()
        let new = MQTTTestClient(loop, context: context, version: .v5)
        try new.connect()
        var properties = MQTTProperties()
        properties.reasonString = "Session taken over"
        XCTAssertEqual(try old.received(), [.disconnect(.init(reasonCode: .sessionTakenOver, properties: properties))])
        XCTAssertTrue(old.isClosed)
        XCTAssertFalse(new.isClosed)
        new.send(publish(1, qos: .atLeastOnce))
        RecordingAdapterHost.complete(0)
        XCTAssertEqual(try new.received(), [.pubAck(.init(packetID: 1))], "the new session works")
    }
}
