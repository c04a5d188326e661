import MQTTCodec
import Synchronization
import TributaryNet
import TributarySDK

/// What a session (device or integration) does with a connection's packets. On the loop.
protocol MQTTSessionLogic: AnyObject {
    func received(_ packet: MQTTPacket, on connection: MQTTConnection)
    /// Everything written so far has been taken by the socket.
    func drained(_ connection: MQTTConnection)
    /// The connection ended.
    func closed(_ connection: MQTTConnection)
}

extension MQTTSessionLogic {
    func drained(_ connection: MQTTConnection) {}
}

/// One MQTT connection on its loop: decodes packets, enforces the CONNECT deadline, the keep
/// alive (1.5 times the client's interval, as the spec says) and what unfinished packets may cost
/// (a deadline each, a share of the instance's budget), all on the loop's clock, encodes and writes packets, and
/// closes with the right reason on a protocol violation (v5 DISCONNECT with the reason code;
/// v3.1.1, which has none, just closes; a CONNECT problem is answered with CONNACK first).
final class MQTTConnection: StreamHandler, @unchecked Sendable {
    let stream: any ByteStream
    var loop: EventLoop { stream.loop }
    weak var logic: (any MQTTSessionLogic)?
    private(set) var version: MQTTProtocolVersion = .v3_1_1
    private var decoder: MQTTDecoder
    private var connected = false
    /// CONNECT was handed to the session, which has not accepted it yet.
    private var authenticating = false
    /// The session asked for no more packets for now (`hold`).
    private var held = false
    private var decoding = false
    /// The largest packet the client accepts (its MQTT 5.0 Maximum Packet Size).
    private var peerMaximumPacketSize = Int.max
    /// The client's Maximum Packet Size (5.0), fixed once CONNECT is read.
    var clientMaximumPacketSize: Int { peerMaximumPacketSize }
    /// Set on the loop; read anywhere (a command handler on the sender's thread asks whether the
    /// connection is still live).
    private let closingFlag = Atomic<Bool>(false)
    private var closing: Bool {
        get { closingFlag.load(ordering: .relaxed) }
        set { closingFlag.store(newValue, ordering: .releasing) }
    }
    private var keepAliveNanoseconds: Int64 = 0
    private var lastPacket: Int64 = 0
    private var timer: UInt64?
    private let packetTimeoutNanoseconds: Int64
    /// When the unfinished packet in the decoder started (nil: none, or one waiting on us).
    private var packetStarted: Int64?
    private var packetTimer: UInt64?
    private let partialPackets: PartialPacketBudget
    /// What this connection last reported to `partialPackets`.
    private var heldBytes = 0
    /// The instance's rate-limited log of client faults (shared by its connections).
    let faults: ClientFaultLog
    /// Packets queued in this loop pass, written by `flush`.
    private var output: [UInt8] = []
    /// Where one packet is encoded before it joins `output`.
    private var scratch: [UInt8] = []
    private var flushScheduled = false
    /// More than `maxUnsentBytes` written and not taken by the kernel: the client is not reading
    /// its answers (PINGRESP, PUBACK), so it is not read either until they drain.
    private var writeBlocked = false {
        didSet { outputBlocked.store(writeBlocked, ordering: .releasing) }
    }
    /// `writeBlocked`, readable from other threads: a command handler declines a command for a
    /// device whose unsent output is already past its bound (it stopped reading), instead of
    /// queueing commands for it without limit.
    private let outputBlocked = Atomic<Bool>(false)
    var isOutputBlocked: Bool { outputBlocked.load(ordering: .acquiring) }
    static let maxUnsentBytes = 64 * 1024
    /// Retains the session for as long as the connection lives.
    var owner: AnyObject?

    init(stream: any ByteStream, maxPacketSize: Int, connectTimeoutMilliseconds: Int64, maxConnectSize: Int,
         packetTimeoutMilliseconds: Int64, partialPackets: PartialPacketBudget, faults: ClientFaultLog) {
        self.stream = stream
        decoder = MQTTDecoder(maximumPacketSize: maxPacketSize, maximumConnectPacketSize: maxConnectSize)
        packetTimeoutNanoseconds = packetTimeoutMilliseconds * 1_000_000
        self.partialPackets = partialPackets
        self.faults = faults
        stream.handler = self
        timer = loop.scheduleTimer(afterMilliseconds: connectTimeoutMilliseconds) { [self] in
            timer = nil
            if !connected { closeNow() }
        }
    }

    var encoder: MQTTEncoder { MQTTEncoder(version: version) }

    func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        decoder.append(bytes)
        decodeBuffered()
    }

    /// Hands the session every complete packet. After CONNECT it stops (and stops reading) until
    /// the session accepts the connection: a client may send packets right behind CONNECT
    /// [MQTT-3.1.4], and they wait in the decoder until authentication has answered. `hold`
    /// stops it the same way.
    private func decodeBuffered() {
        guard !decoding else { return }
        decoding = true
        defer { decoding = false }
        var completed = false
        do {
            while !closing, !authenticating, !held, !writeBlocked, let packet = try decoder.next() {
                completed = true
                // Only a complete packet shows the client alive [MQTT-3.1.2-24]: bytes dripping
                // into one that never completes do not hold the connection open.
                lastPacket = loop.now()
                if case .connect(let connect) = packet {
                    version = connect.protocolVersion
                    peerMaximumPacketSize = connect.properties.maximumPacketSize.map { Int($0) } ?? Int.max
                    authenticating = true
                    stream.pauseReading()
                }
                logic?.received(packet, on: self)
            }
            if !closing { boundPartialPacket(completedOne: completed) }
        } catch {
            violated(error)
        }
    }

    /// What an unfinished packet may cost: it must complete within `packet_timeout_ms`, and its
    /// bytes count against the instance's budget. Packets complete but waiting on us (behind
    /// CONNECT, or held) are not the client's delay.
    private func boundPartialPacket(completedOne: Bool) {
        report(heldBytes: decoder.bufferedByteCount)
        let waitingOnUs = authenticating || held || writeBlocked
        if completedOne || heldBytes == 0 || waitingOnUs { packetStarted = nil }
        guard heldBytes > 0, !waitingOnUs, packetStarted == nil else { return }
        packetStarted = loop.now()
        if packetTimer == nil { armPacketTimer(afterNanoseconds: packetTimeoutNanoseconds) }
    }

    private func report(heldBytes bytes: Int) {
        guard bytes != heldBytes else { return }
        heldBytes = bytes
        if let largest = partialPackets.hold(bytes, by: self) {
            largest.loop.execute { largest.disconnect(.quotaExceeded, fault: "unfinished packets over the instance's budget") }
        }
    }

    private func armPacketTimer(afterNanoseconds: Int64) {
        packetTimer = loop.scheduleTimer(afterMilliseconds: max(1, afterNanoseconds / 1_000_000)) { [self] in
            packetTimer = nil
            guard !closing, let packetStarted else { return }
            let elapsed = loop.now() - packetStarted
            if elapsed >= packetTimeoutNanoseconds {
                disconnect(.keepAliveTimeout, fault: "a packet not completed within packet_timeout_ms")
            } else {
                armPacketTimer(afterNanoseconds: packetTimeoutNanoseconds - elapsed)
            }
        }
    }

    /// Stops handing packets to the session, and reading, until `resume` (flow control for
    /// clients that have no Receive Maximum: TCP pushes back instead).
    func hold() {
        guard !held, !closing else { return }
        held = true
        stream.pauseReading()
    }

    func resume() {
        guard held, !closing else { return }
        held = false
        lastPacket = loop.now()
        if !authenticating && !writeBlocked { stream.resumeReading() }
        decodeBuffered()
    }

    func streamDrained(_ stream: any ByteStream) {
        logic?.drained(self)
        guard writeBlocked, !closing else { return }
        writeBlocked = false
        if !authenticating && !held { stream.resumeReading() }
        decodeBuffered()
    }

    func streamClosed(_ stream: any ByteStream) {
        closing = true
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        if let packetTimer { loop.cancelTimer(packetTimer) }
        packetTimer = nil
        report(heldBytes: 0)
        logic?.closed(self)
        logic = nil
        owner = nil
    }

    /// The session accepted CONNECT (and sent CONNACK): arm the keep-alive watchdog, then handle
    /// what the client sent behind CONNECT.
    func established(keepAliveSeconds: UInt16) {
        connected = true
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        if keepAliveSeconds > 0 {
            keepAliveNanoseconds = Int64(keepAliveSeconds) * 1_500_000_000
            armKeepAlive(afterNanoseconds: keepAliveNanoseconds)
        }
        authenticating = false
        if !held && !writeBlocked { stream.resumeReading() }
        decodeBuffered()
    }

    private func armKeepAlive(afterNanoseconds: Int64) {
        timer = loop.scheduleTimer(afterMilliseconds: max(1, afterNanoseconds / 1_000_000)) { [self] in
            timer = nil
            guard !closing else { return }
            let idle = loop.now() - lastPacket
            if held {
                // Not reading is our back-pressure, not the client's silence: its packets wait
                // unread, and the interval starts again once it is read from (`resume`).
                armKeepAlive(afterNanoseconds: keepAliveNanoseconds)
            } else if idle >= keepAliveNanoseconds {
                disconnect(.keepAliveTimeout, fault: "no complete packet within 1.5 times the keep alive")
            } else {
                armKeepAlive(afterNanoseconds: keepAliveNanoseconds - idle)
            }
        }
    }

    /// Queues a packet. What a loop pass sends goes out in one write at its end (a burst of
    /// PUBACKs or events costs one system call, and over TLS one record, not one each).
    func send(_ packet: MQTTPacket) {
        guard !closing else { return }
        _ = queue { encoder, scratch in encoder.encode(packet, into: &scratch) }
    }

    /// Queues a PUBLISH with a borrowed payload, unless it is larger than the client accepts
    /// (MQTT 5.0 then asks the server to drop it as if it had been sent [MQTT-3.1.2-25]).
    /// False when dropped.
    @discardableResult
    func sendPublish(topic: String, payload: UnsafeRawBufferPointer, qos: MQTTQoS, packetID: UInt16?,
                     properties: MQTTProperties = MQTTProperties()) -> Bool {
        guard !closing else { return false }
        return queue { encoder, scratch in
            encoder.encodePublish(topic: topic, payload: payload, qos: qos, packetID: packetID, properties: properties, into: &scratch)
        }
    }

    /// Encodes one packet into `scratch` and appends it to `output` (if the client accepts its
    /// size). The encoder reserves exactly what each packet needs, which for a buffer that
    /// gathers many packets would copy it whole on every one; `output` grows geometrically.
    private func queue(_ encode: (MQTTEncoder, inout [UInt8]) -> Void) -> Bool {
        scratch.removeAll(keepingCapacity: true)
        encode(encoder, &scratch)
        guard scratch.count <= peerMaximumPacketSize else { return false }
        output.append(contentsOf: scratch)
        if scratch.capacity > 64 * 1024 { scratch = [] }
        scheduleFlush()
        return true
    }

    /// Bytes queued or written and not yet taken by the kernel: what a producer checks before
    /// adding more.
    var pendingBytes: Int { output.count + stream.pendingWriteBytes }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.execute { [self] in
            flushScheduled = false
            flush()
        }
    }

    private func flush() {
        guard !output.isEmpty else { return }
        stream.write(output)
        if !writeBlocked && stream.pendingWriteBytes > MQTTConnection.maxUnsentBytes {
            writeBlocked = true
            stream.pauseReading()
        }
        // A burst may have grown the buffer: keep a modest one, not the peak.
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
    }

    /// Ends the connection with a server DISCONNECT (v5) carrying `reason`; v3.1.1 just closes.
    /// `fault` says, for the log, what the client did wrong.
    func disconnect(_ reason: MQTTReasonCode, fault: String? = nil) {
        guard !closing else { return }
        if let fault { reportFault("\(fault); closed (\(reason))") }
        if connected && version == .v5 {
            // paho-mqtt 1.6 reads a DISCONNECT's reason code only from a packet longer than two
            // bytes, so without a property a taken-over client never learns 0x8E.
            var properties = MQTTProperties()
            properties.reasonString = reason.name
            send(.disconnect(.init(reasonCode: reason, properties: properties)))
        }
        flush()
        closing = true
        stream.close()
    }

    /// Logs, rate-limited, what the client did wrong (never a secret).
    func reportFault(_ what: String) {
        faults.log(.info, "mqtt client \(stream.remoteAddress): \(what)")
    }

    private func violated(_ error: MQTTDecodeError) {
        reportFault("protocol violation: \(error)")
        if !connected, let (packet, replyVersion) = decoder.reply(to: error) {
            MQTTEncoder(version: replyVersion).encode(packet, into: &output)
            flush()
            closing = true
            stream.close()
            return
        }
        disconnect(error.reasonCode)
    }

    /// Closes at once, after what was queued (a refusing CONNACK).
    func closeNow() {
        flush()
        closing = true
        stream.close(immediately: true)
    }

    /// Makes `session` the one that gets this connection's packets, and keeps it alive with it.
    func attach(_ session: MQTTSessionLogic & AnyObject) {
        logic = session
        owner = session
    }

    /// Thread-safe: command handlers on other threads read it.
    var isClosing: Bool { closingFlag.load(ordering: .acquiring) }
}
