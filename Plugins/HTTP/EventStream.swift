import Synchronization
import TributaryNet
import TributarySDK

/// One WebSocket consumer of an application's events: a host subscription (a shared group when
/// `group_id` is given) whose events go out as one text frame each, in structured CloudEvent JSON.
///
/// A session opened with a bearer token ends when the token expires (close 1008 `JWT token
/// expired`, as Drogue's), unless the client sends `{"RefreshAccessToken":"<jwt>"}` first with a
/// newer token of the same user that may still read the application.
final class EventStream: WebSocketDelegate {
    private struct State {
        var subscription: UInt64?
        var expiry: CredentialExpiry?
    }

    private let host: PluginHost
    private let application: String
    private let channel: String
    private let group: String
    private let capacity: UInt32
    private let user: UserVerdict
    private let metrics: HTTPMetrics
    private let faults: ClientFaultLog
    private let state = Mutex(State())

    init(host: PluginHost, application: String, channel: String, group: String, capacity: UInt32, user: UserVerdict,
         metrics: HTTPMetrics, faults: ClientFaultLog) {
        self.faults = faults
        self.host = host
        self.application = application
        self.channel = channel
        self.group = group
        self.capacity = capacity
        self.user = user
        self.metrics = metrics
    }

    func webSocket(_ session: WebSocketSession, violated reason: String, closing code: UInt16) {
        faults.log(.info, "http websocket \(session.remoteAddress): \(reason); closed (\(code))")
    }

    func webSocketOpened(_ session: WebSocketSession) {
        let id = host.subscribe(application: application, channel: channel, group: group, capacity: capacity) { event in
            let json = CloudEventJSONEncoder.encode(event)
            return session.send(text: String(decoding: json, as: UTF8.self)) ? .ok : .busy
        }
        guard let id else { return session.close(code: 1011, reason: "cannot subscribe") }
        let expiry = CredentialExpiry(loop: session.loop)
        state.withLock {
            $0.subscription = id
            $0.expiry = expiry
        }
        metrics.websocketConsumers.add(1)
        arm(expiry, user.expiresAt, session)
    }

    func webSocket(_ session: WebSocketSession, received event: WebSocketEvent) {
        guard case .text(let text) = event, let token = Self.refreshedToken(text) else { return }
        host.authenticateUser(.bearerToken(token)) { [self] verdict in
            guard verdict.status == .ok, verdict.user == user.user else {
                faults.log(.info, "http websocket \(session.remoteAddress): token refresh refused (\(verdict.status))")
                return session.close(code: 1008, reason: "Invalid token")
            }
            host.authorize(AuthorizeRequest(user: verdict.user, roles: verdict.roles, application: application, permission: .read)) { status in
                guard status == .ok else { return session.close(code: 1008, reason: "Not authorized") }
                session.loop.execute { [self] in
                    guard let expiry = state.withLock({ $0.expiry }), expiry.expiresAt != 0 else { return }
                    // Completions may arrive out of order: an older token never shortens the session.
                    arm(expiry, max(expiry.expiresAt, verdict.expiresAt), session)
                }
            }
        }
    }

    func webSocketClosed(_ session: WebSocketSession) {
        let (id, expiry) = state.withLock { state in
            defer { state = State() }
            return (state.subscription, state.expiry)
        }
        expiry?.cancel()
        guard let id else { return }
        host.unsubscribe(id)
        metrics.websocketConsumers.add(-1)
    }

    private func arm(_ expiry: CredentialExpiry, _ expiresAt: Int64, _ session: WebSocketSession) {
        expiry.arm(expiresAt) { [metrics] in
            metrics.websocketExpired.add()
            session.close(code: 1008, reason: "JWT token expired")
        }
    }

    /// Drogue's refresh message, `{"RefreshAccessToken":"<jwt>"}`; any other message is ignored.
    static func refreshedToken(_ text: String) -> String? {
        guard text.utf8.count <= 65536, let node = try? PositionedJSONParser.parse(Array(text.utf8)) else { return nil }
        guard let token = try? JSONField(node: node, path: "").member("RefreshAccessToken")?.string(), !token.isEmpty else { return nil }
        return token
    }
}
