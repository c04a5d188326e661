import CoAPCodec
import TributaryNet
import TributarySDK

/// Drogue's CoAP device endpoint on one UDP socket, plain or DTLS (`CoAPTransport`): `POST` and
/// `PUT /v1/{channel}` with the query arguments `application`, `device`, `data_schema`, `as` and
/// `ct`, credentials in option 4209 or the DTLS session's.
/// It authenticates the device through the host, publishes, and answers 2.04 once every sink
/// took the event, or 2.05 with the command (option 4210 = its name) when one arrives within
/// `ct` seconds; piggybacked on the ACK when that comes within `ack_delay_ms`, otherwise an empty
/// ACK first and the response as a confirmable message of its own.
///
/// All its state is touched on its socket's loop only: datagrams arrive there, completions from
/// other threads hop back through `LoopBound`, and the adapter starts and stops it with
/// `loop.execute`. That is what makes `@unchecked Sendable` sound.
final class CoAPEndpoint: @unchecked Sendable {
    let loop: EventLoop
    private let transport: any CoAPTransport
    private let host: PluginHost
    private let configuration: CoAPConfiguration
    private let throttle: AuthenticationThrottle
    private let faults: ClientFaultLog
    private let exchanges: CoAPExchanges
    /// Requests per source address (a token bucket each, never refunded); nil: no limit.
    private let peerRates: FailureBuckets?
    private let blocks: CoAPBlockAssembler
    /// Accepted authentications by what the request presented, for `auth_cache_ms`.
    private let verdicts: DeviceVerdictCache<CoAPRequestTarget.Credentials>
    private let responseBlocks: CoAPResponseBlocks
    private lazy var retransmitter = CoAPRetransmitter(loop: loop) { [unowned self] bytes, peer in self.send(bytes, to: peer) }
    private var nextMessageID = UInt16.random(in: 0...UInt16.max)

    /// What a 5.03 carries: Max-Age, when a device may try again.
    static let retryLater = [CoAPOption(.maxAge, uint: 1)]
    /// Command answers kept for their Block2 continuations, per loop.
    static let maxBlockwiseAnswers = 1024

    init(transport: any CoAPTransport, host: PluginHost, configuration: CoAPConfiguration, throttle: AuthenticationThrottle, faults: ClientFaultLog) {
        self.transport = transport
        loop = transport.loop
        self.host = host
        self.configuration = configuration
        self.throttle = throttle
        self.faults = faults
        exchanges = CoAPExchanges(maxEntries: configuration.maxExchanges, maxInProgressPerPeer: configuration.maxExchangesPerPeer,
                                  lifetimeMilliseconds: configuration.exchangeLifetimeMilliseconds)
        peerRates = configuration.peerRate > 0
            ? FailureBuckets(burst: configuration.peerRate, refillPerSecond: Double(configuration.peerRate)) : nil
        blocks = CoAPBlockAssembler(maxBodyBytes: configuration.maxBodyBytes, maxUploads: configuration.maxExchanges,
                                    lifetimeMilliseconds: configuration.exchangeLifetimeMilliseconds)
        verdicts = DeviceVerdictCache(capacity: configuration.authCacheEntries, lifetimeMilliseconds: configuration.authCacheMilliseconds)
        responseBlocks = CoAPResponseBlocks(maxAnswers: Self.maxBlockwiseAnswers, lifetimeMilliseconds: configuration.exchangeLifetimeMilliseconds)
    }

    /// Call on the loop.
    func start() throws(IOError) {
        try transport.startReceiving { [unowned self] datagram, peer, credential in self.receive(datagram, from: peer, credential: credential) }
    }

    var address: SocketAddress { transport.address }

    /// Call on the loop: nothing more is received or resent.
    func stop() {
        retransmitter.cancelAll()
        transport.close()
    }

    private func receive(_ datagram: UnsafeRawBufferPointer, from peer: SocketAddress, credential: DTLSPeerCredential?) {
        let message: CoAPMessage
        do throws(CoAPDecodeError) {
            message = try CoAPDecoder.decode(datagram)
        } catch {
            faults.log(.debug, "coap \(peer): \(error)")
            if let reset = error.reset { send(reset, to: peer) }
            return
        }
        if message.type == .acknowledgement || message.type == .reset { return retransmitter.settle(message.messageID, from: peer) }
        // An Empty CON is a ping (section 4.3): a Reset answers it.
        if message.code.isEmpty { return send(.reset(message.messageID), to: peer) }
        guard message.code.isRequest else {
            // A response nobody asked for.
            if message.type == .confirmable { send(.reset(message.messageID), to: peer) }
            return
        }
        let exchange = CoAPExchange(peer: peer, request: message, credential: credential)
        if let peerRates, !peerRates.take(exchange.source) {
            faults.log(.info, "coap \(peer): over peer_rate, answered 5.03")
            return send(response(to: exchange, .serviceUnavailable, options: Self.retryLater), to: peer)
        }
        let key = exchange.key
        switch exchanges.state(key, now: loop.now()) {
        case .answered(let bytes)?:
            return send(bytes, to: peer)
        case .inProgress(let emptyAcknowledged)?:
            if emptyAcknowledged { send(.emptyAcknowledgement(message.messageID), to: peer) }
            return
        case nil:
            break
        }
        guard exchanges.begin(key, now: loop.now()) else {
            faults.log(.info, "coap \(peer): too many requests in progress, answered 5.03")
            exchange.answered = true
            return send(response(to: exchange, .serviceUnavailable, options: Self.retryLater), to: peer)
        }
        if message.type == .confirmable {
            exchange.acknowledgementTimer = loop.scheduleTimer(afterMilliseconds: configuration.ackDelayMilliseconds) { [unowned self] in
                self.acknowledgeEmpty(exchange)
            }
        }
        handle(exchange)
    }

    private func handle(_ exchange: CoAPExchange) {
        let request = exchange.request
        if let option = request.unacceptableCriticalOption() {
            return respond(exchange, .badOption, reason: "critical option \(option.number) not understood or malformed")
        }
        let target: CoAPRequestTarget
        switch CoAPRequestTarget.read(request, maxCommandWaitSeconds: configuration.maxCommandWaitSeconds) {
        case .failure(let refusal):
            faults.log(.debug, "coap \(exchange.peer): \(refusal.code) \(refusal.reason)")
            return respond(exchange, refusal.code, reason: refusal.reason)
        case .success(let read):
            target = read
        }
        if let block2 = request.block2 {
            guard let block = block2 else { return respond(exchange, .badRequest, reason: "invalid Block2 option") }
            if block.number > 0 {
                // A continuation of an answer already given: served from what was kept.
                guard let answer = responseBlocks.answer(CoAPTransferKey.of(peer: exchange.peer, request), now: loop.now()),
                      let part = CoAPResponseBlocks.block(of: answer, number: block.number, sizeExponent: block.sizeExponent)
                else { return respond(exchange, .badRequest, reason: "no answer to continue with Block2 \(block)") }
                return respond(exchange, answer.code, options: part.options, payload: part.payload)
            }
        }
        var payload = request.payload
        var echo: [CoAPOption] = []
        let tooLarge = [CoAPOption(.size1, uint: UInt32(configuration.maxBodyBytes))]
        if let block1 = request.block1 {
            guard let block = block1 else { return respond(exchange, .badRequest, reason: "invalid Block1 option") }
            switch blocks.add(block, payload: payload, key: CoAPTransferKey.of(peer: exchange.peer, request), now: loop.now()) {
            case .needMore: return respond(exchange, .continue, options: [block.option(.block1)])
            case .incomplete: return respond(exchange, .requestEntityIncomplete, reason: "Block1 out of sequence")
            case .tooLarge: return respond(exchange, .requestEntityTooLarge, options: tooLarge)
            case .complete(let body):
                payload = body
                echo = [block.option(.block1)]
            }
        } else if payload.count > configuration.maxBodyBytes {
            return respond(exchange, .requestEntityTooLarge, options: tooLarge)
        }
        let presented = target.credentials(request, session: exchange.credential)
        if let verdict = verdicts.verdict(for: presented, now: loop.now()) {
            return authenticated(exchange, verdict, target, payload: payload, echo: echo)
        }
        guard let authRequest = CoAPRequestTarget.authRequest(presented) else {
            faults.log(.info, "coap \(exchange.peer): missing or unusable credentials")
            return respond(exchange, .unauthorized, reason: "missing or unusable credentials (option 4209, or the DTLS session's)")
        }
        let session = LoopBound(self, on: loop)
        let (body, blockEcho) = (payload, echo)
        throttle.authenticateDevice(authRequest, from: exchange.source, host: host, faults: faults) { verdict in
            session.execute { endpoint in
                endpoint.verdicts.keep(verdict, for: presented, now: endpoint.loop.now())
                endpoint.authenticated(exchange, verdict, target, payload: body, echo: blockEcho)
            }
        }
    }

    private func authenticated(_ exchange: CoAPExchange, _ verdict: DeviceVerdict, _ target: CoAPRequestTarget,
                               payload: [UInt8], echo: [CoAPOption]) {
        switch verdict.status {
        case .ok: break
        case .unauthenticated, .notFound: return respond(exchange, .unauthorized, reason: "Authentication failed")
        case .denied: return respond(exchange, .forbidden, reason: "not allowed")
        default: return respond(exchange, .serviceUnavailable, options: Self.retryLater)
        }
        // A gateway publishes for `as`; the authenticated device is the sender.
        let device = verdict.asDevice.isEmpty ? verdict.device : verdict.asDevice
        let message = OutgoingMessage(application: verdict.application, device: device, sender: verdict.device, channel: target.channel,
                                      contentType: target.contentType, payload: payload, dataSchema: target.query["data_schema"] ?? "")
        let session = LoopBound(self, on: loop)
        let wait = target.commandWaitSeconds
        let status = host.publish(message) { outcome in
            session.execute { $0.published(exchange, outcome, application: verdict.application, device: device, wait: wait, echo: echo) }
        }
        if status.isFailure { published(exchange, status, application: verdict.application, device: device, wait: 0, echo: echo) }
    }

    private func published(_ exchange: CoAPExchange, _ outcome: Status, application: String, device: String, wait: Int64, echo: [CoAPOption]) {
        switch outcome {
        case .ok:
            guard wait > 0 else { return respond(exchange, .changed, options: echo) }
            let session = LoopBound(self, on: loop)
            CommandWait.start(host: host, application: application, device: device, seconds: wait, loop: loop) { command in
                session.execute { $0.commanded(exchange, command, echo: echo) }
            }
        case .rejected:
            respond(exchange, .notAcceptable, reason: "the content type claims JSON and the payload is not JSON")
        case .invalid:
            respond(exchange, .badRequest, reason: "application, device and channel must be UTF-8 and non-empty")
        case .busy, .unavailable, .cancelled:
            respond(exchange, .serviceUnavailable, options: Self.retryLater)
        default:
            respond(exchange, .internalServerError, reason: "the event could not be delivered (\(outcome))")
        }
    }

    private func commanded(_ exchange: CoAPExchange, _ command: Command?, echo: [CoAPOption]) {
        guard let command else { return respond(exchange, .changed, options: echo) }
        var options = echo + [CoAPOption(.command, string: command.name)]
        if let format = CoAPContentFormat.number(command.contentType) { options.append(CoAPOption(.contentFormat, uint: UInt32(format))) }
        let answer = CoAPResponseBlocks.Answer(code: .content, options: options, body: command.payload)
        // A client asking for small blocks in its request (Block2 number 0) gets them.
        let requested = (exchange.request.block2 ?? nil)?.sizeExponent ?? CoAPResponseBlocks.defaultSizeExponent
        guard let first = CoAPResponseBlocks.block(of: answer, number: 0, sizeExponent: min(requested, CoAPResponseBlocks.defaultSizeExponent))
        else { return respond(exchange, .content, options: options, payload: command.payload) }
        responseBlocks.keep(answer, key: CoAPTransferKey.of(peer: exchange.peer, exchange.request), now: loop.now())
        respond(exchange, .content, options: first.options, payload: first.payload)
    }

    /// The sinks are slow: the ACK goes out now, so the client stops retransmitting.
    private func acknowledgeEmpty(_ exchange: CoAPExchange) {
        exchange.acknowledgementTimer = nil
        guard !exchange.answered else { return }
        exchange.emptyAcknowledged = true
        exchanges.markEmptyAcknowledged(exchange.key)
        send(.emptyAcknowledgement(exchange.request.messageID), to: exchange.peer)
    }

    private func respond(_ exchange: CoAPExchange, _ code: CoAPCode, options: [CoAPOption] = [], payload: [UInt8] = [],
                         reason: String? = nil) {
        guard !exchange.answered else { return }
        exchange.answered = true
        if let timer = exchange.acknowledgementTimer { loop.cancelTimer(timer) }
        // Diagnostic payloads (section 5.5.2) are plain text.
        let message = response(to: exchange, code, options: options, payload: reason.map { Array($0.utf8) } ?? payload)
        let bytes = CoAPEncoder.encode(message)
        send(bytes, to: exchange.peer)
        // A retransmission of the request gets what its first copy got: the response when it
        // was piggybacked, the empty ACK when the response went separately.
        let remembered = exchange.emptyAcknowledged ? CoAPEncoder.encode(.emptyAcknowledgement(exchange.request.messageID)) : bytes
        exchanges.answer(exchange.key, bytes: remembered, now: loop.now())
        if message.type == .confirmable { retransmitter.track(bytes, messageID: message.messageID, to: exchange.peer) }
    }

    /// Piggybacked on the ACK of a CON, or a message of its own (CON after an empty ACK, NON for
    /// a NON request) with a new message ID and the request's token.
    private func response(to exchange: CoAPExchange, _ code: CoAPCode, options: [CoAPOption] = [], payload: [UInt8] = []) -> CoAPMessage {
        let request = exchange.request
        if request.type == .confirmable && !exchange.emptyAcknowledged {
            return CoAPMessage(type: .acknowledgement, code: code, messageID: request.messageID, token: request.token,
                               options: options, payload: payload)
        }
        nextMessageID &+= 1
        return CoAPMessage(type: exchange.emptyAcknowledged ? .confirmable : .nonConfirmable, code: code, messageID: nextMessageID,
                           token: request.token, options: options, payload: payload)
    }

    private func send(_ message: CoAPMessage, to peer: SocketAddress) { send(CoAPEncoder.encode(message), to: peer) }

    private func send(_ bytes: [UInt8], to peer: SocketAddress) {
        bytes.withUnsafeBytes { transport.send($0, to: peer) }
    }
}
