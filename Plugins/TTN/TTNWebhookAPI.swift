import TributaryNet
import TributarySDK

/// The webhook endpoint: `POST /ttn/v2` (and `/ttn/`, v2's old path) and `POST /ttn/v3`. The
/// webhook authenticates as a device of the application (Basic, as on the HTTP device API); each
/// end device is published `as` itself, so the registry's `gatewaySelector` decides whether the
/// webhook's device may speak for it. Answers 202 once every sink took the event.
final class TTNWebhookAPI: HTTPRequestHandler {
    private let host: PluginHost
    private let configuration: TTNConfiguration
    private let metrics: TTNMetrics
    private let directory: DownlinkDirectory
    private let downlinks: DownlinkSender
    private let faults: ClientFaultLog
    private let throttle: AuthenticationThrottle

    init(host: PluginHost, configuration: TTNConfiguration, metrics: TTNMetrics, directory: DownlinkDirectory, downlinks: DownlinkSender) {
        self.host = host
        self.configuration = configuration
        self.metrics = metrics
        self.directory = directory
        self.downlinks = downlinks
        faults = ClientFaultLog(host: host)
        throttle = AuthenticationThrottle(host: host, metricPrefix: "ttn")
    }

    func handle(_ request: HTTPRequest, connection: HTTPConnectionInfo, responder: HTTPResponder) {
        guard let segments = request.head.pathSegments else { return responder.respond(DrogueResponses.notFound) }
        let version: TTNWebhookDocument.Version
        switch segments {
        case ["ttn"], ["ttn", ""], ["ttn", "v2"]: version = .v2
        case ["ttn", "v3"]: version = .v3
        default: return responder.respond(DrogueResponses.notFound)
        }
        guard request.head.method == "POST" else {
            return responder.respond(DrogueResponses.error(405, "MethodNotAllowed", "use POST", headers: ["Allow": "POST"]))
        }
        let document: TTNWebhookDocument
        do throws(PositionedError) {
            document = try TTNWebhookDocument(request.body, version: version)
        } catch {
            metrics.invalidWebhooks.add()
            faults.log(.info, "ttn webhook \(connection.remoteAddress): \(error.reason)")
            return responder.respond(DrogueResponses.error(400, "InvalidRequest", error.reason))
        }
        if case .unknown = document.content {
            metrics.messagesIgnored.add()
            return responder.respond(DrogueResponses.empty(202))
        }
        let query = Dictionary(request.head.queryItems, uniquingKeysWith: { first, _ in first })
        guard var authRequest = DeviceCredentials.request(
            application: query["application"], device: query["device"], asDevice: document.deviceID,
            authorization: request.head.headers["Authorization"], certificates: connection.peerCertificates)
        else {
            metrics.unauthenticated.add()
            faults.log(.info, "ttn webhook \(connection.remoteAddress): missing or unusable credentials")
            return responder.respond(DrogueResponses.unauthorized("Missing or unusable credentials"))
        }
        authRequest.properties = TTNDeviceSettings.properties
        let announced = (push: request.head.headers["X-Downlink-Push"], replace: request.head.headers["X-Downlink-Replace"],
                         apiKey: request.head.headers["X-Downlink-Apikey"])
        throttle.authenticateDevice(authRequest, from: connection.remoteAddress, host: host, faults: faults) { [self] verdict in
            guard verdict.status == .ok else {
                metrics.unauthenticated.add()
                return responder.respond(DrogueResponses.refusal(verdict.status))
            }
            let settings = TTNDeviceSettings(verdict)
            for problem in settings.problems { faults.log(.warn, "registry settings of \(document.deviceID)@\(verdict.application): \(problem)") }
            let device = verdict.asDevice.isEmpty ? verdict.device : verdict.asDevice
            learnDownlinks(application: verdict.application, device: device, settings: settings,
                           announced: DownlinkTarget.announced(push: announced.push, replace: announced.replace, apiKey: announced.apiKey,
                                                               mode: configuration.downlinkMode, allowHTTP: configuration.allowHTTPDownlinks))
            publish(document, request.body, verdict: verdict, device: device, settings: settings,
                    dataSchema: query["data_schema"], responder: responder)
        }
    }

    func protocolError(_ status: Int, reason: String, connection: HTTPConnectionInfo) {
        faults.log(.info, "ttn webhook \(connection.remoteAddress): \(status) \(reason)")
    }

    private func publish(_ document: TTNWebhookDocument, _ body: [UInt8], verdict: DeviceVerdict, device: String,
                         settings: TTNDeviceSettings, dataSchema: String?, responder: HTTPResponder) {
        var message = OutgoingMessage(application: verdict.application, device: device, sender: verdict.device,
                                      channel: "", payload: [])
        let accepted: Metric?
        switch document.content {
        case .uplink(let uplink):
            let port = String(uplink.port)
            message.channel = port
            message.dataSchema = dataSchema ?? settings.dataSchemaByPort[port] ?? ""
            message.timeUnixNanoseconds = uplink.receivedAt ?? 0
            message.extensions = [("lorawanport", port)]
            if let address = uplink.hardwareAddress, !address.isEmpty { message.extensions.append(("hwaddr", address)) }
            if let retry = uplink.isRetry { message.extensions.append(("lorawanretry", retry ? "true" : "false")) }
            if let counter = uplink.frameCounter { message.extensions.append(("fcnt", String(counter))) }
            switch settings.payload ?? configuration.payload {
            case .raw:
                message.contentType = "application/octet-stream"
                message.payload = uplink.payload ?? []
            case .fields:
                message.contentType = "application/json"
                message.payload = uplink.fields.map(Array.init) ?? Array("null".utf8)
            case .full:
                message.contentType = "application/json"
                message.payload = body
            }
            accepted = metrics.uplinksAccepted
        case .notification(let channel):
            message.channel = channel
            message.contentType = "application/json"
            message.payload = body
            accepted = metrics.notificationsAccepted
        case .unknown:
            return responder.respond(DrogueResponses.empty(202))
        }
        let status = host.publish(message) { outcome in
            if outcome == .ok { accepted?.add() }
            responder.respond(outcome == .ok ? DrogueResponses.empty(202) : DrogueResponses.publishFailure(outcome))
        }
        if status.isFailure { responder.respond(DrogueResponses.publishFailure(status)) }
    }

    private func learnDownlinks(application: String, device: String, settings: TTNDeviceSettings, announced: DownlinkTarget?) {
        guard announced != nil || settings.api != nil else { return }
        let needsRoute = directory.learn(application: application, device: device, announced: announced, configured: settings.api)
        metrics.downlinkTargets?.set(Int64(directory.count))
        guard needsRoute else { return }
        let downlinks = downlinks
        guard let route = host.addCommandRoute(application: application, device: "", handler: { downlinks.handle($0) }) else {
            directory.forget(application: application)
            return
        }
        if !directory.routeAdded(route, for: application) { host.removeCommandRoute(route) }
    }
}
