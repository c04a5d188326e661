import Synchronization
import TributaryNet
import TributarySDK

/// Drogue's HTTP device endpoint: `POST /v1/{channel}` with `application`, `device`,
/// `data_schema`, `as` and `ct` (alias `commandTimeout`, seconds). It authenticates the device
/// through the host, publishes, and answers 202 once every sink took the event, or 200 with a
/// command when one arrives within `ct` seconds. An accepted authentication is reused for
/// `auth_cache_ms` by requests presenting exactly the same credentials.
final class DeviceAPI: HTTPRequestHandler {
    /// What a request presents to authentication, as it came: the verdict cache's key.
    private struct Presented: Hashable {
        var authorization: String?
        var application: String?
        var device: String?
        var asDevice: String?
        var certificates: [[UInt8]]
    }

    private let host: PluginHost
    private let configuration: HTTPConfiguration
    private let metrics: HTTPMetrics
    private let faults: ClientFaultLog
    private let throttle: AuthenticationThrottle
    private let verdicts: Mutex<DeviceVerdictCache<Presented>>

    init(host: PluginHost, configuration: HTTPConfiguration, metrics: HTTPMetrics) {
        self.host = host
        self.configuration = configuration
        self.metrics = metrics
        faults = ClientFaultLog(host: host)
        throttle = AuthenticationThrottle(host: host, metricPrefix: "http")
        verdicts = Mutex(DeviceVerdictCache(capacity: configuration.authCacheEntries, lifetimeMilliseconds: configuration.authCacheMilliseconds))
    }

    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder) {
        let head = request.head
        guard let segments = head.pathSegments else { return responder.respond(DrogueResponses.notFound) }
        switch (head.method, segments) {
        case ("GET", []), ("GET", [""]):
            return responder.respond(DrogueResponses.empty(200))
        case ("POST", let path) where path.count == 2 && path[0] == "v1" && !path[1].isEmpty:
            publish(request, channel: path[1], connection: connection, responder: responder)
        case (_, let path) where path.count == 2 && path[0] == "v1":
            responder.respond(DrogueResponses.error(405, "MethodNotAllowed", "use POST", headers: ["Allow": "POST"]))
        default:
            // Extra segments after the channel are a 404, not silently dropped (README.md, the
            // HTTP device API's answers).
            responder.respond(DrogueResponses.notFound)
        }
    }

    private func publish(_ request: HTTPRequest, channel: String, connection: HTTPConnectionInfo, responder: HTTPResponder) {
        if let problem = ChannelName.problem(in: channel) {
            faults.log(.debug, "http device \(connection.remoteAddress): \(problem.reason)")
            return responder.respond(DrogueResponses.error(400, "InvalidRequest", problem.reason))
        }
        let query = Dictionary(request.head.queryItems, uniquingKeysWith: { first, _ in first })
        let commandWait: Int64
        if let text = query["ct"] ?? query["commandTimeout"] {
            guard let seconds = Int64(text), seconds >= 0 else {
                return responder.respond(DrogueResponses.error(400, "InvalidRequest", "ct must be a number of seconds"))
            }
            commandWait = min(seconds, configuration.maxCommandWaitSeconds)
        } else {
            commandWait = 0
        }
        let presented = Presented(authorization: request.head.headers["Authorization"], application: query["application"],
                                  device: query["device"], asDevice: query["as"], certificates: connection.peerCertificates)
        let host = host
        let metrics = metrics
        let contentType = request.head.headers["Content-Type"] ?? ""
        let dataSchema = query["data_schema"] ?? ""
        let accepted: @Sendable (DeviceVerdict) -> Void = { verdict in
            // A gateway publishes for `as`; the authenticated device is the sender.
            let target = verdict.asDevice.isEmpty ? verdict.device : verdict.asDevice
            let message = OutgoingMessage(application: verdict.application, device: target, sender: verdict.device,
                                          channel: channel, contentType: contentType, payload: request.body, dataSchema: dataSchema)
            let status = host.publish(message) { outcome in
                DeviceAPI.answerPublish(outcome, host: host, application: verdict.application, device: target,
                                        commandWait: commandWait, responder: responder, metrics: metrics)
            }
            if status.isFailure {
                DeviceAPI.answerPublish(status, host: host, application: verdict.application, device: target,
                                        commandWait: 0, responder: responder, metrics: metrics)
            }
        }
        if let verdict = verdicts.withLock({ $0.verdict(for: presented, now: SystemClock.monotonicNanoseconds()) }) {
            return accepted(verdict)
        }
        guard let authRequest = DeviceCredentials.request(
            application: presented.application, device: presented.device, asDevice: presented.asDevice,
            authorization: presented.authorization, certificates: presented.certificates)
        else {
            metrics.unauthenticated.add()
            faults.log(.info, "http device \(connection.remoteAddress): missing or unusable credentials")
            return responder.respond(DrogueResponses.unauthorized("Missing or unusable credentials"))
        }
        throttle.authenticateDevice(authRequest, from: connection.remoteAddress, host: host, faults: faults) { [self] verdict in
            guard verdict.status == .ok else {
                // The throttle has logged the failure (rate-limited, with peer and names).
                metrics.unauthenticated.add()
                return responder.respond(DrogueResponses.refusal(verdict.status))
            }
            verdicts.withLock { $0.keep(verdict, for: presented, now: SystemClock.monotonicNanoseconds()) }
            accepted(verdict)
        }
    }

    func protocolError(_ status: Int, reason: String, connection: HTTPConnectionInfo) {
        faults.log(.info, "http device \(connection.remoteAddress): \(status) \(reason)")
    }

    static func answerPublish(_ status: Status, host: PluginHost, application: String, device: String, commandWait: Int64,
                              responder: HTTPResponder, metrics: HTTPMetrics) {
        switch status {
        case .ok:
            metrics.accepted.add()
            guard commandWait > 0 else { return responder.respond(DrogueResponses.empty(202)) }
            // Subscribed only after the sinks took the event, as Drogue does: a command sent
            // earlier is not seen.
            CommandWait.start(host: host, application: application, device: device, seconds: commandWait, loop: responder.loop) { command in
                guard let command else { return responder.respond(DrogueResponses.empty(202)) }
                var headers: HTTPHeaders = [:]
                try? headers.add(name: "command", value: command.name)
                if !command.contentType.isEmpty { try? headers.add(name: "Content-Type", value: command.contentType) }
                responder.respond(HTTPResponse(status: 200, headers: headers, body: command.payload))
            }
        default:
            if status == .busy { metrics.busy.add() }
            responder.respond(DrogueResponses.publishFailure(status))
        }
    }
}
