import MQTTCodec
import XCTest

/// The mqtt plugin's connection deadlines on manual time: the CONNECT deadline and the keep
/// alive (1.5 times the client's interval, reset only by a complete packet).
final class MQTTTimerTests: ManualLoopTestCase {
    func testAConnectionWithoutConnectIsClosedAtTheConnectDeadline() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context())
        loop.advance(milliseconds: 9_999)
        XCTAssertFalse(client.isClosed, "open until the 10 s default deadline")
        loop.advance(milliseconds: 1)
        XCTAssertTrue(client.isClosed)
        XCTAssertEqual(try client.received(), [], "closed without a word: there is no session to answer in")
    }

    func testConnectInTimeDisarmsTheConnectDeadline() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context())
        loop.advance(milliseconds: 9_000)
        try client.connect()
        loop.advance(seconds: 60)
        XCTAssertFalse(client.isClosed, "keep alive 0: no deadline at all once connected")
    }

    func testASilentClientIsDisconnectedAfterOneAndAHalfKeepAlives() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context(), version: .v5)
        try client.connect(keepAlive: 10)
        loop.advance(milliseconds: 14_999)
        XCTAssertFalse(client.isClosed)
        loop.advance(milliseconds: 1)
        XCTAssertTrue(client.isClosed)
        let disconnect = try XCTUnwrap(try client.received().first)
        guard case .disconnect(let packet) = disconnect else { return XCTFail("expected DISCONNECT, got \(disconnect)") }
        XCTAssertEqual(packet.reasonCode, .keepAliveTimeout)
    }

    func testAPacketRestartsTheKeepAlive() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context())
        try client.connect(keepAlive: 10)
        loop.advance(seconds: 10)
        client.send(.pingReq)
        XCTAssertEqual(try client.received(), [.pingResp])
        loop.advance(milliseconds: 14_999)
        XCTAssertFalse(client.isClosed, "15 s from the PINGREQ, not from CONNECT")
        loop.advance(milliseconds: 1)
        XCTAssertTrue(client.isClosed)
    }

    func testPartOfAPacketDoesNotKeepTheConnectionAlive() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context())
        try client.connect(keepAlive: 10)
        loop.advance(seconds: 10)
        client.send([0xC0])
        loop.advance(seconds: 5)
        XCTAssertTrue(client.isClosed, "the first byte of a PINGREQ is not a sign of life")
    }

    /// A 3.1.1 client at its receive maximum is not read from until a sink answers (TCP pushes
    /// back instead): that wait is the server's, and does not count as the client's silence.
    func testTimeTheServerHoldsTheClientBackDoesNotCountAsSilence() throws {
        let client = MQTTTestClient(loop, context: try MQTTTestClient.context([("receive_maximum", .integer(2))]))
        try client.connect(keepAlive: 10)
        for id: UInt16 in 1...2 {
            client.send(.publish(.init(qos: .atLeastOnce, topic: "telemetry", packetID: id, payload: Array("{}".utf8))))
        }
        for _ in 0..<8 { loop.advance(seconds: 5) }
        XCTAssertFalse(client.isClosed, "held back for 40 s, more than 1.5 keep alives")
        RecordingAdapterHost.complete(0)
        RecordingAdapterHost.complete(1)
        XCTAssertEqual(try client.received().count, 2, "both PUBACKs")
        loop.advance(milliseconds: 14_999)
        XCTAssertFalse(client.isClosed, "the interval starts again when reading does")
        loop.advance(milliseconds: 1)
        XCTAssertTrue(client.isClosed)
    }
}
