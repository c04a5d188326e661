import Synchronization
import TributaryNet
import TributarySDK

/// One WebSocket consumer of an application's events: a host subscription (a shared group when
/// `group_id` is given) whose events go out as one text frame each, in structured CloudEvent JSON.
final class EventStream: WebSocketDelegate {
    private let host: PluginHost
    private let application: String
    private let channel: String
    private let group: String
    private let capacity: UInt32
    private let metrics: HTTPMetrics
    private let faults: ClientFaultLog
    private let subscription = Mutex<UInt64?>(nil)

    init(host: PluginHost, application: String, channel: String, group: String, capacity: UInt32, metrics: HTTPMetrics,
         faults: ClientFaultLog) {
        self.faults = faults
        self.host = host
        self.application = application
        self.channel = channel
        self.group = group
        self.capacity = capacity
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
        subscription.withLock { $0 = id }
        metrics.websocketConsumers.add(1)
    }

    /// Clients may send messages (Drogue's token refresh); events flow one way, so they are ignored.
    func webSocket(_ session: WebSocketSession, received event: WebSocketEvent) {}

    func webSocketClosed(_ session: WebSocketSession) {
        guard let id = subscription.withLock({ $0 }) else { return }
        host.unsubscribe(id)
        metrics.websocketConsumers.add(-1)
    }
}
