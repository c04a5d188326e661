@testable import MQTTCore
import MQTTCodec
import TributaryNet
import TributarySDK
import XCTest

/// One client of the mqtt plugin's device endpoint over a `FakeByteStream`: a `DeviceSession` on
/// an `MQTTConnection`, as the plugin makes them for an accepted connection.
final class MQTTTestClient {
    let loop: ManualLoop
    let stream: FakeByteStream
    let version: MQTTProtocolVersion
    private var decoder: MQTTDecoder

    init(_ loop: ManualLoop, context: MQTTContext, version: MQTTProtocolVersion = .v3_1_1) {
        self.loop = loop
        self.version = version
        decoder = MQTTDecoder(clientVersion: version)
        let stream = FakeByteStream(loop: loop.loop)
        self.stream = stream
        loop.sync {
            let configuration = context.configuration
            let connection = MQTTConnection(stream: stream, maxPacketSize: configuration.maxPacketSize,
                                            connectTimeoutMilliseconds: configuration.connectTimeoutMilliseconds,
                                            maxConnectSize: configuration.maxConnectSize,
                                            packetTimeoutMilliseconds: configuration.packetTimeoutMilliseconds,
                                            partialPackets: PartialPacketBudget(limit: configuration.partialPacketBudget),
                                            faults: ClientFaultLog(host: context.host))
            _ = DeviceSession(context: context, connection: connection)
        }
    }

    /// A context with the plugin's defaults (10 s connect deadline) but for `settings`, and the
    /// recording host.
    static func context(_ settings: [(String, PluginConfig.Value)] = []) throws -> MQTTContext {
        let host = RecordingAdapterHost.host
        return MQTTContext(host: host, configuration: try MQTTConfiguration(PluginConfig(instanceName: "mqtt", values: settings)),
                           devices: DeviceDirectory(), metrics: MQTTMetrics(host: host),
                           throttle: AuthenticationThrottle(host: host, metricPrefix: "mqtt"))
    }

    /// Sends CONNECT as `device@app` and checks the CONNACK.
    func connect(device: String = "device-1", keepAlive: UInt16 = 0, file: StaticString = #filePath, line: UInt = #line) throws {
        send(.connect(.init(protocolVersion: version, clientID: "client-\(device)", keepAlive: keepAlive,
                            username: "\(device)@app", password: Array("secret".utf8))))
        let answer = try received()
        guard case .connAck(let connAck) = answer.first, answer.count == 1 else {
            return XCTFail("expected CONNACK, got \(answer)", file: file, line: line)
        }
        XCTAssertEqual(connAck.reasonCode, .success, file: file, line: line)
    }

    func send(_ packet: MQTTPacket) {
        var bytes: [UInt8] = []
        MQTTEncoder(version: version).encode(packet, into: &bytes)
        send(bytes)
    }

    func send(_ bytes: [UInt8]) {
        let stream = stream
        loop.sync { stream.receive(bytes) }
    }

    /// The packets the server wrote since the last call, once what the session had in hand ran
    /// (completions hop back to the loop, writes are flushed in a later pass).
    func received() throws -> [MQTTPacket] {
        settle()
        let stream = stream
        let bytes = loop.sync { stream.takeWritten() }
        bytes.withUnsafeBytes { decoder.append($0) }
        var packets: [MQTTPacket] = []
        while let packet = try decoder.next() { packets.append(packet) }
        return packets
    }

    var isClosed: Bool {
        settle()
        let stream = stream
        return loop.sync { stream.isClosed }
    }

    /// Lets the loop run what is queued, and what that queues, a few passes deep.
    private func settle() {
        for _ in 0..<5 { loop.sync {} }
    }
}
