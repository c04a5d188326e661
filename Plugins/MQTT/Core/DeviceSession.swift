import Synchronization
import MQTTCodec
import TributaryNet
import TributarySDK

/// One device connection (Drogue's MQTT device endpoint): CONNECT authentication through the
/// host, publishes acknowledged only after every sink took them, gateways publishing for the
/// devices that name them, command subscriptions as live routes, connection events and wills.
/// Runs on its connection's loop; completions from the host hop back with `loop.execute`.
final class DeviceSession: MQTTSessionLogic, @unchecked Sendable {
    private let context: MQTTContext
    private let connection: MQTTConnection
    private var loop: EventLoop { connection.loop }
    private var host: PluginHost { context.host }

    private var application = ""
    private var device = ""
    private var credentials: DeviceAuthRequest?
    private var will: MQTTPacket.Connect.Will?
    private var connected = false
    private var takenOver = false
    /// Devices this gateway may act for, as the authenticators answered (also read by the
    /// wildcard command route on other threads).
    private let allowedAs = GatewayPermissions()
    private var acknowledgements = OrderedAcknowledgements()
    private var inFlight = 0
    private var awaitingRelease: Set<UInt16> = []
    private var publishing: Set<UInt16> = []
    /// Command routes by the filter that made them; at most `max_command_filters` filters.
    private var routes: [String: [UInt64]] = [:]
    /// Filters whose gateway authorization is in flight, counted against the bound.
    private var authorizing = 0

    init(context: MQTTContext, connection: MQTTConnection) {
        self.context = context
        self.connection = connection
        connection.attach(self)
    }

    // MARK: Packets

    func received(_ packet: MQTTPacket, on connection: MQTTConnection) {
        switch packet {
        case .connect(let connect):
            handleConnect(connect)
        case .publish(let publish) where connected:
            handlePublish(publish)
        case .pubRel(let release) where connected:
            let found = awaitingRelease.remove(release.packetID) != nil
            connection.send(.pubComp(.init(packetID: release.packetID, reasonCode: found ? .success : .packetIdentifierNotFound)))
        case .subscribe(let subscribe) where connected:
            handleSubscribe(subscribe)
        case .unsubscribe(let unsubscribe) where connected:
            let codes: [MQTTReasonCode] = unsubscribe.filters.map { filter in
                guard let ids = routes.removeValue(forKey: filter) else { return .noSubscriptionExisted }
                removeRoutes(ids)
                return .success
            }
            connection.send(.unsubAck(.init(packetID: unsubscribe.packetID, reasonCodes: codes)))
        case .pingReq:
            connection.send(.pingResp)
        case .disconnect(let disconnect):
            // v5 "disconnect with will message" asks for the will despite the DISCONNECT.
            if disconnect.reasonCode != .disconnectWithWillMessage { will = nil }
            connection.closeNow()
        case .pubAck, .pubRec, .pubComp:
            // Commands go out at QoS 0; nothing of ours awaits these.
            break
        default:
            connection.disconnect(.protocolError)
        }
    }

    func closed(_ connection: MQTTConnection) {
        for ids in routes.values { removeRoutes(ids) }
        routes.removeAll()
        guard connected else { return }
        context.metrics.deviceConnections.add(-1)
        context.devices.release(application: application, device: device, session: self)
        if let will, !takenOver {
            publishWill(will)
        }
        if !takenOver {
            publishConnectionEvent(connected: false)
        }
    }

    // MARK: CONNECT

    private func handleConnect(_ connect: MQTTPacket.Connect) {
        guard let request = MQTTDeviceCredentials.request(connect, certificates: connection.stream.peerCertificates) else {
            return refuseConnect(.badUserNameOrPassword)
        }
        credentials = request
        will = connect.will
        let assignedID = connect.clientID.isEmpty ? "tributary-\(UInt64.random(in: 0...UInt64.max))" : nil
        let keepAlive = connect.keepAlive
        context.throttle.authenticateDevice(request, from: connection.stream.remoteAddress, host: host,
                                            faults: connection.faults) { [self] verdict in
            loop.execute { [self] in
                // The throttle has logged a failed or throttled attempt (rate-limited, with peer and names).
                guard verdict.status == .ok else {
                    switch verdict.status {
                    case .denied: return refuseConnect(.notAuthorized, logged: true)
                    case .unauthenticated, .notFound: return refuseConnect(.badUserNameOrPassword, logged: true)
                    default: return refuseConnect(.serverUnavailable, logged: true)
                    }
                }
                accept(application: verdict.application, device: verdict.device, assignedID: assignedID, keepAlive: keepAlive)
            }
        }
    }

    private func accept(application: String, device: String, assignedID: String?, keepAlive: UInt16) {
        guard !connection.isClosing else { return }
        self.application = application
        self.device = device
        connected = true
        context.metrics.deviceConnections.add(1)
        if let previous = context.devices.claim(application: application, device: device, for: self) {
            previous.takeOver()
        }
        var properties = MQTTProperties()
        if connection.version == .v5 {
            properties.maximumPacketSize = UInt32(context.configuration.maxPacketSize)
            properties.receiveMaximum = context.configuration.receiveMaximum
            properties.retainAvailable = false
            properties.wildcardSubscriptionAvailable = true
            properties.sharedSubscriptionAvailable = false
            properties.subscriptionIdentifiersAvailable = false
            properties.assignedClientIdentifier = assignedID
        }
        connection.send(.connAck(.init(reasonCode: .success, properties: properties)))
        publishConnectionEvent(connected: true)
        connection.established(keepAliveSeconds: keepAlive)
    }

    private func refuseConnect(_ reason: MQTTReasonCode, logged: Bool = false) {
        context.metrics.connectRefused.add()
        if !logged { connection.reportFault("device CONNECT refused (\(reason))") }
        connection.send(.connAck(.init(reasonCode: reason)))
        connection.closeNow()
    }

    /// Another connection of the same device took over (called from any thread).
    func takeOver() {
        loop.execute { [self] in
            takenOver = true
            connection.disconnect(.sessionTakenOver)
        }
    }

    // MARK: PUBLISH

    private func handlePublish(_ publish: MQTTPacket.Publish) {
        if let id = publish.packetID {
            if publish.qos == .exactlyOnce {
                // A resent QoS 2 PUBLISH is answered again, never published twice.
                if awaitingRelease.contains(id) { return connection.send(.pubRec(.init(packetID: id))) }
                if publishing.contains(id) { return }
            }
            let maximum = Int(context.configuration.receiveMaximum)
            guard inFlight < maximum else { return connection.disconnect(.receiveMaximumExceeded) }
            inFlight += 1
            // MQTT 3.1.1 has no Receive Maximum to announce: its clients are held back instead.
            if inFlight == maximum && connection.version == .v3_1_1 { connection.hold() }
            acknowledgements.expect(id)
            if publish.qos == .exactlyOnce { publishing.insert(id) }
        }
        guard let (channel, asDevice) = PublishTopic.parse(publish.topic, dialect: context.configuration.dialect) else {
            return finish(publish, .topicNameInvalid)
        }
        guard let target = asDevice, target != device else {
            return forward(publish, channel: channel, target: device)
        }
        if let allowed = allowedAs[target] {
            return allowed ? forward(publish, channel: channel, target: target) : finish(publish, .notAuthorized)
        }
        authorizeGateway(for: target) { [self] allowed in
            allowed ? forward(publish, channel: channel, target: target) : finish(publish, .notAuthorized)
        }
    }

    /// Asks the authenticators whether this (gateway) device may act for `target`; answers on
    /// the loop and remembers the answer for the session.
    private func authorizeGateway(for target: String, then: @escaping (Bool) -> Void) {
        guard var request = credentials else { return then(false) }
        request.application = application
        request.device = device
        request.asDevice = target
        let continuation = LoopBound(then, on: loop)
        let permissions = allowedAs
        host.authenticateDevice(request) { verdict in
            continuation.execute { then in
                let allowed = verdict.status == .ok
                permissions.set(target, allowed)
                then(allowed)
            }
        }
    }

    private func forward(_ publish: MQTTPacket.Publish, channel: String, target: String) {
        let message = OutgoingMessage(application: application, device: target, sender: device, channel: channel,
                                      contentType: publish.properties.contentType ?? "", payload: publish.payload)
        guard publish.qos != .atMostOnce else {
            _ = host.publish(message, done: nil)
            return
        }
        let session = LoopBound(self, on: loop)
        let status = host.publish(message) { outcome in
            session.execute { $0.finish(publish, DeviceSession.reason(for: outcome)) }
        }
        if status.isFailure { finish(publish, DeviceSession.reason(for: status)) }
    }

    static func reason(for status: Status) -> MQTTReasonCode {
        switch status {
        case .ok: .success
        case .busy: .quotaExceeded
        case .rejected: .unspecifiedError
        case .invalid: .topicNameInvalid
        default: .unspecifiedError
        }
    }

    /// The outcome of a QoS 1/2 publish, acknowledged in arrival order. MQTT 3.1.1 has no
    /// negative acknowledgement: a refused publish closes the connection, so nothing is
    /// acknowledged that was not taken.
    private func finish(_ publish: MQTTPacket.Publish, _ reason: MQTTReasonCode) {
        if reason == .success { context.metrics.publishesAccepted.add() } else { context.metrics.publishesRefused.add() }
        guard let id = publish.packetID else {
            // QoS 0 has no acknowledgement to refuse with; only a topic that names nothing ends
            // the connection.
            if reason == .topicNameInvalid { connection.disconnect(.topicNameInvalid) }
            return
        }
        inFlight -= 1
        publishing.remove(id)
        if reason != .success && connection.version == .v3_1_1 {
            return connection.disconnect(reason)
        }
        let response = MQTTPacket.PublishResponse(packetID: id, reasonCode: reason)
        if publish.qos == .exactlyOnce && reason == .success { awaitingRelease.insert(id) }
        let packet: MQTTPacket = publish.qos == .exactlyOnce ? .pubRec(response) : .pubAck(response)
        for ready in acknowledgements.complete(id, with: packet) { connection.send(ready) }
        connection.resume()
    }

    // MARK: SUBSCRIBE (commands)

    private func handleSubscribe(_ subscribe: MQTTPacket.Subscribe) {
        let subAck = PendingSubAck(count: subscribe.subscriptions.count) { [self] codes in
            connection.send(.subAck(.init(packetID: subscribe.packetID, reasonCodes: codes)))
        }
        let limit = context.configuration.maxCommandFilters
        for (index, subscription) in subscribe.subscriptions.enumerated() {
            let filter = subscription.filter
            // A repeated subscription replaces the existing one [MQTT-3.8.4-3]. Every option it
            // could change is granted as QoS 0 anyway, so the route it made stays as it is.
            if routes[filter] != nil {
                subAck.set(index, .grantedQoS0)
                continue
            }
            guard routes.count + authorizing < limit else {
                subAck.set(index, .quotaExceeded)
                continue
            }
            switch CommandFilter(filter) {
            case .own:
                subAck.set(index, addRoute(filter, device: device) ? .grantedQoS0 : .unspecifiedError)
            case .ownAndGateway:
                let own = addRoute(filter, device: device)
                let wildcard = addGatewayRoute(filter)
                subAck.set(index, own && wildcard ? .grantedQoS0 : .unspecifiedError)
            case .device(let target) where target == device:
                subAck.set(index, addRoute(filter, device: device, deviceSpecific: true) ? .grantedQoS0 : .unspecifiedError)
            case .device(let target):
                subAck.await()
                authorizing += 1
                authorizeGateway(for: target) { [self] allowed in
                    authorizing -= 1
                    guard allowed else { return subAck.settle(index, .notAuthorized) }
                    // The same filter may have been granted meanwhile, or the session ended.
                    let routed = routes[filter] != nil
                        || (!connection.isClosing && addRoute(filter, device: target, deviceSpecific: true))
                    subAck.settle(index, routed ? .grantedQoS0 : .unspecifiedError)
                }
            case .unsupported:
                subAck.set(index, .unspecifiedError)
            }
        }
        subAck.seal()
    }

    /// A live route for commands to `target`, delivered on `command/inbox/{target}/{command}`, or
    /// `command/inbox//{command}` for the device itself on a filter that named no device.
    private func addRoute(_ filter: String, device target: String, deviceSpecific: Bool = false) -> Bool {
        let own = target == device && !deviceSpecific
        let inbox = CommandInbox(session: LoopBound(self, on: loop), connection: connection)
        guard let id = host.addCommandRoute(application: application, device: target, handler: { command in
            inbox.deliver(command, topic: "command/inbox/\(own ? "" : command.device)/\(command.name)")
        }) else { return false }
        routes[filter, default: []].append(id)
        context.metrics.commandRoutes.add(1)
        return true
    }

    /// The gateway part of `command/inbox/#`: commands for any device this session was allowed
    /// to act for (an authenticator said so for one of its publishes or subscriptions).
    private func addGatewayRoute(_ filter: String) -> Bool {
        let inbox = CommandInbox(session: LoopBound(self, on: loop), connection: connection)
        let permissions = allowedAs
        guard let id = host.addCommandRoute(application: application, device: "", handler: { command in
            guard permissions[command.device] == true else { return .notFound }
            return inbox.deliver(command, topic: "command/inbox/\(command.device)/\(command.name)")
        }) else { return false }
        routes[filter, default: []].append(id)
        context.metrics.commandRoutes.add(1)
        return true
    }

    private func removeRoutes(_ ids: [UInt64]) {
        for id in ids { host.removeCommandRoute(id) }
        context.metrics.commandRoutes.add(-Int64(ids.count))
    }

    /// On the loop: writes a command at QoS 0, as Drogue does.
    fileprivate func write(_ command: Command, topic: String) {
        let sent = command.payload.withUnsafeBytes { payload in
            connection.sendPublish(topic: topic, payload: payload, qos: .atMostOnce, packetID: nil)
        }
        if sent { context.metrics.commandsDelivered.add() }
    }

    // MARK: Connection events and wills

    private func publishConnectionEvent(connected: Bool) {
        let message = OutgoingMessage(application: application, device: device, channel: "connection",
                                      contentType: "application/json", payload: Array("{\"connected\":\(connected)}".utf8),
                                      isConnectionEvent: true)
        _ = host.publish(message, done: nil)
    }

    private func publishWill(_ will: MQTTPacket.Connect.Will) {
        guard let (channel, asDevice) = PublishTopic.parse(will.topic, dialect: context.configuration.dialect) else { return }
        var target = device
        if let asDevice, allowedAs[asDevice] == true { target = asDevice }
        let message = OutgoingMessage(application: application, device: target, sender: device, channel: channel,
                                      contentType: will.properties.contentType ?? "", payload: will.payload)
        _ = host.publish(message, done: nil)
    }
}

/// What a command handler, on the sender's thread, may touch of a device session: whether the
/// connection is still live (a thread-safe flag) and a way onto the session's loop, where the
/// command is written.
private struct CommandInbox: Sendable {
    let session: LoopBound<DeviceSession>
    let connection: MQTTConnection

    func deliver(_ command: Command, topic: String) -> Status {
        guard !connection.isClosing, !connection.isOutputBlocked else { return .notFound }
        session.execute { $0.write(command, topic: topic) }
        return .ok
    }
}
