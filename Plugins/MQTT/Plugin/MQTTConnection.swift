import Glibc
import MQTTCodec
import TributaryNet

/// What a session (device or integration) does with a connection's packets. On the loop.
protocol MQTTSessionLogic: AnyObject {
    func received(_ packet: MQTTPacket, on connection: MQTTConnection)
    /// The connection ended; `graceful` when the client sent DISCONNECT (normal) first.
    func closed(_ connection: MQTTConnection, graceful: Bool)
}

/// One MQTT connection on its loop: decodes packets, enforces the CONNECT deadline and the keep
/// alive (1.5 times the client's interval, as the spec says), encodes and writes packets, and
/// closes with the right reason on a protocol violation (v5 DISCONNECT with the reason code;
/// v3.1.1, which has none, just closes; a CONNECT problem is answered with CONNACK first).
final class MQTTConnection: StreamHandler, @unchecked Sendable {
    let stream: any ByteStream
    var loop: EventLoop { stream.loop }
    weak var logic: (any MQTTSessionLogic)?
    private(set) var version: MQTTProtocolVersion = .v3_1_1
    private var decoder: MQTTDecoder
    private var connected = false
    private var closing = false
    private var graceful = false
    private var keepAliveNanoseconds: Int64 = 0
    private var lastPacket: Int64 = 0
    private var timer: UInt64?
    private var output: [UInt8] = []
    /// Retains the session for as long as the connection lives.
    var owner: AnyObject?

    init(stream: any ByteStream, maxPacketSize: Int, connectTimeoutMilliseconds: Int64) {
        self.stream = stream
        decoder = MQTTDecoder(maximumPacketSize: maxPacketSize)
        stream.handler = self
        timer = loop.scheduleTimer(afterMilliseconds: connectTimeoutMilliseconds) { [self] in
            timer = nil
            if !connected { closeNow() }
        }
    }

    var encoder: MQTTEncoder { MQTTEncoder(version: version) }

    func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        decoder.append(bytes)
        lastPacket = MQTTConnection.now()
        do {
            while !closing, let packet = try decoder.next() {
                if case .connect(let connect) = packet { version = connect.protocolVersion }
                if case .disconnect = packet { graceful = true }
                logic?.received(packet, on: self)
            }
        } catch {
            violated(error)
        }
    }

    func streamClosed(_ stream: any ByteStream) {
        closing = true
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        logic?.closed(self, graceful: graceful)
        logic = nil
        owner = nil
    }

    /// The session accepted CONNECT: arm the keep-alive watchdog.
    func established(keepAliveSeconds: UInt16) {
        connected = true
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        guard keepAliveSeconds > 0 else { return }
        keepAliveNanoseconds = Int64(keepAliveSeconds) * 1_500_000_000
        armKeepAlive(afterNanoseconds: keepAliveNanoseconds)
    }

    private func armKeepAlive(afterNanoseconds: Int64) {
        timer = loop.scheduleTimer(afterMilliseconds: max(1, afterNanoseconds / 1_000_000)) { [self] in
            timer = nil
            guard !closing else { return }
            let idle = MQTTConnection.now() - lastPacket
            if idle >= keepAliveNanoseconds {
                disconnect(.keepAliveTimeout)
            } else {
                armKeepAlive(afterNanoseconds: keepAliveNanoseconds - idle)
            }
        }
    }

    func send(_ packet: MQTTPacket) {
        guard !closing else { return }
        output.removeAll(keepingCapacity: true)
        encoder.encode(packet, into: &output)
        stream.write(output)
    }

    /// Writes an already encoded packet.
    func send(encoded bytes: [UInt8]) {
        guard !closing else { return }
        stream.write(bytes)
    }

    /// Ends the connection with a server DISCONNECT (v5) carrying `reason`; v3.1.1 just closes.
    func disconnect(_ reason: MQTTReasonCode) {
        guard !closing else { return }
        if connected && version == .v5 {
            send(.disconnect(.init(reasonCode: reason)))
        }
        closing = true
        stream.close()
    }

    private func violated(_ error: MQTTDecodeError) {
        if !connected, let (packet, replyVersion) = decoder.reply(to: error) {
            output.removeAll(keepingCapacity: true)
            MQTTEncoder(version: replyVersion).encode(packet, into: &output)
            stream.write(output)
            closing = true
            stream.close()
            return
        }
        disconnect(error.reasonCode)
    }

    func closeNow() {
        closing = true
        stream.close(immediately: true)
    }

    var isClosing: Bool { closing }

    private static func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
