import Synchronization
import MQTTCodec
import TributaryNet
import TributarySDK

/// One application connection to the MQTT integration (Drogue's `mqtt-integration`): users
/// authenticate with a user name and API key or a JWT as password, subscribe to `app/{app}` (also
/// `$share/{group}/app/{app}`) to receive the application's events, and publish
/// `command/{app}/{device}/{command}` to send commands.
final class IntegrationSession: MQTTSessionLogic, @unchecked Sendable {
    private let context: MQTTContext
    private let connection: MQTTConnection
    private var loop: EventLoop { connection.loop }
    private var host: PluginHost { context.host }
    private var user = ""
    private var roles: [String] = []
    private var binaryByDefault = false
    private var connected = false
    private var subscriptions: [String: UInt64] = [:]
    /// QoS 1 deliveries the client has not acknowledged yet, bounded by its Receive Maximum.
    private var unacknowledged: Set<UInt16> = []
    private var clientReceiveMaximum = 100
    private var nextPacketID: UInt16 = 1
    /// QoS 1 events taken while the client's Receive Maximum was reached, and their bytes: they
    /// count against `integration_buffer_bytes` with what the socket holds, so past that the
    /// subscriptions pause and the rest waits in the host.
    private var backlog: [IntegrationOutbox.Item] = []
    private var backlogBytes = 0
    private let outbox = IntegrationOutbox(limit: 256 << 10)
    /// The batch being delivered, swapped out of `outbox`. Loop thread only.
    private var taken: [IntegrationOutbox.Item] = []
    /// QoS 2 commands being authorized and sent, and those answered with PUBREC that wait for
    /// PUBREL: a resent PUBLISH with one of these identifiers is not sent again.
    private var commandsInFlight: Set<UInt16> = []
    private var awaitingRelease: Set<UInt16> = []
    /// Ends the session when its bearer token expires (v5: DISCONNECT 0xA0 Maximum connect time).
    private var expiry: CredentialExpiry?

    init(context: MQTTContext, connection: MQTTConnection) {
        self.context = context
        self.connection = connection
        connection.attach(self)
    }

    func received(_ packet: MQTTPacket, on connection: MQTTConnection) {
        switch packet {
        case .connect(let connect): handleConnect(connect)
        case .subscribe(let subscribe) where connected: handleSubscribe(subscribe)
        case .unsubscribe(let unsubscribe) where connected:
            let codes: [MQTTReasonCode] = unsubscribe.filters.map { filter in
                guard let id = subscriptions.removeValue(forKey: filter) else { return .noSubscriptionExisted }
                host.unsubscribe(id)
                return .success
            }
            connection.send(.unsubAck(.init(packetID: unsubscribe.packetID, reasonCodes: codes)))
        case .publish(let publish) where connected: handleCommand(publish)
        case .pubAck(let ack) where connected:
            if unacknowledged.remove(ack.packetID) != nil {
                drainBacklog()
                checkRoom()
            }
        case .pubRel(let release) where connected:
            let found = awaitingRelease.remove(release.packetID) != nil
            connection.send(.pubComp(.init(packetID: release.packetID, reasonCode: found ? .success : .packetIdentifierNotFound)))
        case .pingReq: connection.send(.pingResp)
        case .disconnect: connection.closeNow()
        default: connection.disconnect(.protocolError)
        }
    }

    func drained(_ connection: MQTTConnection) { checkRoom() }

    func closed(_ connection: MQTTConnection) {
        expiry?.cancel()
        for id in subscriptions.values { host.unsubscribe(id) }
        subscriptions.removeAll()
        if connected { context.metrics.integrationConnections.add(-1) }
    }

    // MARK: CONNECT

    private func handleConnect(_ connect: MQTTPacket.Connect) {
        let password = connect.password.map { String(decoding: $0, as: UTF8.self) }
        let credential: UserCredential
        switch (connect.username, password) {
        case (let user?, let secret?) where !IntegrationSession.looksLikeJWT(secret):
            credential = .apiKey(username: user, key: secret)
        case (_, let token?):
            credential = .bearerToken(token)
        default:
            context.metrics.connectRefused.add()
            connection.reportFault("integration CONNECT refused (no usable credentials)")
            connection.send(.connAck(.init(reasonCode: .badUserNameOrPassword)))
            return connection.closeNow()
        }
        binaryByDefault = IntegrationSession.wantsBinary(connect.properties)
        if let maximum = connect.properties.receiveMaximum { clientReceiveMaximum = Int(maximum) }
        let keepAlive = connect.keepAlive
        let session = LoopBound(self, on: loop)
        host.authenticateUser(credential) { verdict in
            session.execute { $0.accept(verdict, keepAlive: keepAlive) }
        }
    }

    private func accept(_ verdict: UserVerdict, keepAlive: UInt16) {
        guard !connection.isClosing else { return }
        guard verdict.status == .ok else {
            context.metrics.connectRefused.add()
            let reason: MQTTReasonCode = verdict.status == .unavailable ? .serverUnavailable : .badUserNameOrPassword
            connection.reportFault("integration CONNECT refused (\(reason))")
            connection.send(.connAck(.init(reasonCode: reason)))
            return connection.closeNow()
        }
        user = verdict.user
        roles = verdict.roles
        connected = true
        context.metrics.integrationConnections.add(1)
        var properties = MQTTProperties()
        if connection.version == .v5 {
            properties.maximumPacketSize = UInt32(context.configuration.maxPacketSize)
            properties.retainAvailable = false
            properties.wildcardSubscriptionAvailable = false
            properties.sharedSubscriptionAvailable = true
            properties.subscriptionIdentifiersAvailable = false
        }
        connection.send(.connAck(.init(reasonCode: .success, properties: properties)))
        connection.established(keepAliveSeconds: keepAlive)
        if verdict.expiresAt != 0 {
            let expiry = CredentialExpiry(loop: loop)
            self.expiry = expiry
            expiry.arm(verdict.expiresAt) { [self] in
                context.metrics.integrationExpired.add()
                connection.disconnect(.maximumConnectTime, fault: "integration token expired")
            }
        }
    }

    static func looksLikeJWT(_ text: String) -> Bool {
        text.split(separator: ".", omittingEmptySubsequences: false).count == 3 && text.hasPrefix("ey")
    }

    /// v5 user property `content-mode: binary` (on CONNECT or SUBSCRIBE).
    static func wantsBinary(_ properties: MQTTProperties) -> Bool {
        properties.userProperties.contains { $0.name == "content-mode" && $0.value == "binary" }
    }

    // MARK: SUBSCRIBE (events)

    private func handleSubscribe(_ subscribe: MQTTPacket.Subscribe) {
        let binary = binaryByDefault || IntegrationSession.wantsBinary(subscribe.properties)
        let subAck = PendingSubAck(count: subscribe.subscriptions.count) { [self] codes in
            // MQTT 3.1.1 knows only one failure code.
            let sent = connection.version == .v3_1_1 ? codes.map { $0.isFailure ? .unspecifiedError : $0 } : codes
            connection.send(.subAck(.init(packetID: subscribe.packetID, reasonCodes: sent)))
        }
        let pending = LoopBound(subAck, on: loop)
        let session = LoopBound(self, on: loop)
        for (index, subscription) in subscribe.subscriptions.enumerated() {
            let filter = subscription.filter
            guard let target = EventFilter(filter) else {
                subAck.set(index, filter.contains("+") || filter.contains("#") ? .wildcardSubscriptionsNotSupported : .topicFilterInvalid)
                continue
            }
            let qos: MQTTQoS = min(subscription.options.qos, .atLeastOnce)
            subAck.await()
            host.authorize(AuthorizeRequest(user: user, roles: roles, application: target.application, permission: .read)) { status in
                session.execute { session in
                    let granted: MQTTReasonCode = qos == .atLeastOnce ? .grantedQoS1 : .grantedQoS0
                    let subscribed = status == .ok && session.subscribe(target, filter: filter, qos: qos, binary: binary)
                    pending.value.settle(index, subscribed ? granted : (status == .ok ? .unspecifiedError : .notAuthorized))
                }
            }
        }
        subAck.seal()
    }

    private func subscribe(_ target: EventFilter, filter: String, qos: MQTTQoS, binary: Bool) -> Bool {
        if let existing = subscriptions.removeValue(forKey: filter) { host.unsubscribe(existing) }
        let topic = target.deliveryTopic
        let version = connection.version
        let session = LoopBound(self, on: loop)
        let outbox = outbox
        let maximumPacketSize = connection.clientMaximumPacketSize
        let encoder = MQTTEncoder(version: version)
        // Inline: a publisher on this connection's loop writes the event itself (no hand-off);
        // pausing: a full connection keeps the burst in the host's queue instead of dropping it.
        guard let id = host.subscribe(application: target.application, group: target.group ?? "",
                                      capacity: context.configuration.integrationQueue,
                                      queueBytes: context.configuration.integrationQueueBytes,
                                      inline: true, pauseOnBusy: true, handler: { event in
            guard !outbox.full.load(ordering: .acquiring) else { return IntegrationSession.pause(outbox, session) }
            let (payload, properties) = IntegrationEventEncoding.encode(event, binary: binary && version == .v5, version: version)
            // An event the client would refuse is refused here, so the host counts the drop with
            // the others (tributary_bus_events_dropped_total, per application and instance).
            guard encoder.publishSize(topic: topic, payloadCount: payload.count, qos: qos, properties: properties) <= maximumPacketSize else {
                return .rejected
            }
            let item = IntegrationOutbox.Item(topic: topic, payload: payload, properties: properties, qos: qos)
            if session.loop.inEventLoop && outbox.isEmpty {
                session.value.deliver(item)
                session.value.checkRoom()
                return .ok
            }
            switch outbox.offer(item) {
            case .refused: return IntegrationSession.pause(outbox, session)
            case .queued(let first):
                if first { session.execute { $0.deliverOutbox() } }
                return .ok
            }
        }) else { return false }
        subscriptions[filter] = id
        return true
    }

    /// A handler found no room: the host keeps the event and pauses the subscription; the loop
    /// is asked to look again, so a resume cannot be missed even when nothing else wakes it.
    private static func pause(_ outbox: IntegrationOutbox, _ session: LoopBound<IntegrationSession>) -> Status {
        outbox.paused.store(true, ordering: .releasing)
        session.execute { $0.checkRoom() }
        return .busy
    }

    private func deliverOutbox() {
        outbox.take(into: &taken)
        for item in taken { deliver(item) }
        taken.removeAll(keepingCapacity: taken.capacity <= 4096)
        checkRoom()
    }

    /// Writes an event the outbox took (so it is never dropped for lack of room): QoS 1 events
    /// past the client's Receive Maximum wait for its acknowledgements.
    private func deliver(_ item: IntegrationOutbox.Item) {
        guard !connection.isClosing else { return }
        if item.qos == .atLeastOnce && unacknowledged.count >= clientReceiveMaximum {
            backlog.append(item)
            backlogBytes += item.payload.count
            return
        }
        write(item)
    }

    /// Marks the outbox full while the connection holds `integration_buffer_bytes` (in its socket,
    /// or waiting for its client's Receive Maximum), and resumes the subscriptions a handler
    /// paused only once half of that is free: resuming at the first free byte would pause and
    /// resume over and over.
    private func checkRoom() {
        let bound = context.configuration.integrationBufferBytes
        let held = connection.pendingBytes + backlogBytes
        if held >= bound {
            outbox.full.store(true, ordering: .releasing)
            return
        }
        guard held < bound / 2 else { return }
        outbox.full.store(false, ordering: .releasing)
        guard outbox.paused.exchange(false, ordering: .acquiringAndReleasing) else { return }
        for id in subscriptions.values { host.resumeSubscription(id) }
    }

    private func drainBacklog() {
        var sent = 0
        while sent < backlog.count && unacknowledged.count < clientReceiveMaximum {
            backlogBytes -= backlog[sent].payload.count
            write(backlog[sent])
            sent += 1
        }
        backlog.removeFirst(sent)
    }

    private func write(_ item: IntegrationOutbox.Item) {
        var packetID: UInt16?
        if item.qos == .atLeastOnce {
            repeat {
                nextPacketID = nextPacketID == UInt16.max ? 1 : nextPacketID + 1
            } while unacknowledged.contains(nextPacketID)
            packetID = nextPacketID
            unacknowledged.insert(nextPacketID)
        }
        let sent = item.payload.withUnsafeBytes { payload in
            connection.sendPublish(topic: item.topic, payload: payload, qos: item.qos, packetID: packetID, properties: item.properties)
        }
        guard sent else {
            // Larger than the client's Maximum Packet Size: dropped, as if delivered.
            if let packetID { unacknowledged.remove(packetID) }
            context.metrics.eventsDropped.add()
            return
        }
    }

    // MARK: PUBLISH (commands)

    private func handleCommand(_ publish: MQTTPacket.Publish) {
        if publish.qos == .exactlyOnce, let id = publish.packetID {
            // A resent QoS 2 command is answered again, never sent twice.
            if awaitingRelease.contains(id) { return connection.send(.pubRec(.init(packetID: id))) }
            guard commandsInFlight.insert(id).inserted else { return }
        }
        let segments = publish.topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count == 4, segments[0].lowercased() == "command", !segments[1].isEmpty, !segments[2].isEmpty,
              !segments[3].isEmpty else {
            return answer(publish, .topicNameInvalid)
        }
        let command = Command(application: segments[1], device: segments[2], name: segments[3],
                              contentType: publish.properties.contentType ?? "", payload: publish.payload)
        let host = host
        let session = LoopBound(self, on: loop)
        host.authorize(AuthorizeRequest(user: user, roles: roles, application: command.application, permission: .write)) { status in
            let reason: MQTTReasonCode
            if status != .ok {
                reason = .notAuthorized
            } else {
                reason = host.sendCommand(command) == .ok ? .success : .noMatchingSubscribers
            }
            session.execute { $0.answer(publish, reason) }
        }
    }

    /// PUBACK (QoS 1) or PUBREC (QoS 2) with the outcome; 3.1.1, without negative
    /// acknowledgements, closes the connection on a failure.
    private func answer(_ publish: MQTTPacket.Publish, _ reason: MQTTReasonCode) {
        guard let id = publish.packetID else { return }
        if reason.isFailure && connection.version == .v3_1_1 { return connection.disconnect(reason) }
        let response = MQTTPacket.PublishResponse(packetID: id, reasonCode: reason)
        guard publish.qos == .exactlyOnce else { return connection.send(.pubAck(response)) }
        commandsInFlight.remove(id)
        if !reason.isFailure { awaitingRelease.insert(id) }
        connection.send(.pubRec(response))
    }
}
