import TributaryNet
import TributarySDK

/// The application side: the command API
/// (`POST /api/command/v1alpha1/apps/{app}/devices/{device}?command=NAME`) and the WebSocket
/// integration (`GET /{app}[/{channel}]`, optional `?group_id=`). Users authenticate with a JWT or
/// an API key; an application the user may not act on is a 404, so its existence stays private.
final class ApplicationAPI: HTTPRequestHandler {
    private let host: PluginHost
    private let configuration: HTTPConfiguration
    private let metrics: HTTPMetrics
    /// Refused logins and protocol errors, rate-limited, with the peer and never the secret.
    private let faults: ClientFaultLog

    init(host: PluginHost, configuration: HTTPConfiguration, metrics: HTTPMetrics) {
        self.host = host
        self.configuration = configuration
        self.metrics = metrics
        faults = ClientFaultLog(host: host)
    }

    func protocolError(_ status: Int, reason: String, connection: HTTPConnectionInfo) {
        faults.log(.info, "http application \(connection.remoteAddress): \(status) \(reason)")
    }

    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder) {
        guard let path = request.head.pathSegments else { return responder.respond(DrogueResponses.notFound) }
        if path.count == 7, path[0] == "api", path[1] == "command", path[2] == "v1alpha1", path[3] == "apps", path[5] == "devices" {
            guard request.head.method == "POST" else {
                return responder.respond(DrogueResponses.error(405, "MethodNotAllowed", "use POST", headers: ["Allow": "POST"]))
            }
            return authorized(request.head, peer: connection.remoteAddress, permission: .write, application: path[4], responder: responder) { [self] _ in
                sendCommand(request, application: path[4], device: path[6], responder: responder)
            }
        }
        if request.head.method == "GET", (1...2).contains(path.count), !path[0].isEmpty, path[0] != "api" {
            let application = path[0]
            let channel = path.count == 2 ? path[1] : ""
            let group = Dictionary(request.head.queryItems, uniquingKeysWith: { first, _ in first })["group_id"] ?? ""
            return authorized(request.head, peer: connection.remoteAddress, permission: .read, application: application, responder: responder) { [self] user in
                let response = WebSocketHandshake.response(to: request.head)
                guard response.status == 101 else { return responder.respond(response) }
                responder.upgrade(response, to: EventStream(host: host, application: application, channel: channel, group: group,
                                                            capacity: configuration.websocketQueue, user: user, metrics: metrics, faults: faults))
            }
        }
        responder.respond(DrogueResponses.notFound)
    }

    /// Authenticates the user and checks `permission` on `application`, then runs `next` with
    /// the user's verdict (a WebSocket session ends when it expires).
    private func authorized(_ head: HTTPRequestHead, peer: String, permission: Permission, application: String, responder: HTTPResponder,
                            next: @escaping @Sendable (UserVerdict) -> Void) {
        let credential: UserCredential
        switch UserCredentials.from(head) {
        case .credential(let found): credential = found
        case .missing:
            metrics.unauthenticated.add()
            return responder.respond(DrogueResponses.unauthorized("Missing credentials"))
        case .ambiguous:
            metrics.unauthenticated.add()
            return responder.respond(DrogueResponses.unauthorized("Use exactly one of Bearer, Basic, token or username/api_key"))
        }
        let host = host
        let metrics = metrics
        let faults = faults
        host.authenticateUser(credential) { user in
            guard user.status == .ok else {
                metrics.unauthenticated.add()
                faults.log(.info, "http application \(peer): user authentication failed (\(user.status))")
                return responder.respond(DrogueResponses.refusal(user.status))
            }
            host.authorize(AuthorizeRequest(user: user.user, roles: user.roles, application: application, permission: permission)) { status in
                switch status {
                case .ok: next(user)
                case .denied, .notFound, .unauthenticated:
                    responder.respond(DrogueResponses.error(404, "NotFound", "Resource not found: Application / \(application)"))
                default: responder.respond(DrogueResponses.unavailable("the authorization service cannot answer now"))
                }
            }
        }
    }

    private func sendCommand(_ request: HTTPRequest, application: String, device: String, responder: HTTPResponder) {
        let query = Dictionary(request.head.queryItems, uniquingKeysWith: { first, _ in first })
        guard let name = query["command"], !name.isEmpty else {
            return responder.respond(DrogueResponses.error(400, "InvalidRequest", "missing query parameter 'command'"))
        }
        let command = Command(application: application, device: device, name: name,
                              contentType: request.head.headers["Content-Type"] ?? "", payload: request.body)
        let metrics = metrics
        // Waits for the route's outcome: a TTN device's route answers once the network server has.
        host.sendCommand(command) { status in
            switch status {
            case .ok:
                metrics.commandsSent.add()
                responder.respond(DrogueResponses.empty(202))
            case .notFound:
                metrics.commandsWithoutRoute.add()
                responder.respond(DrogueResponses.error(503, "NoRoute", "device \(device) of \(application) has no live connection for commands",
                                                  headers: ["Retry-After": "1"]))
            case .invalid:
                responder.respond(DrogueResponses.error(400, "InvalidRequest", "application and device must be UTF-8"))
            case .rejected:
                responder.respond(DrogueResponses.error(502, "CommandRejected", "the device's network refused the command"))
            default:
                responder.respond(DrogueResponses.unavailable("the device's network did not take the command (\(status))"))
            }
        }
    }
}
