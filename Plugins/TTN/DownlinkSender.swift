import TributaryNet
import TributarySDK

/// Sends commands to end devices through The Things Stack's downlink API, and tells the command's
/// sender what the network server answered: 2xx `.ok`, 4xx `.rejected`, anything else (5xx, no
/// answer within `downlink_timeout_ms`, no connection) `.unavailable`.
final class DownlinkSender: Sendable {
    private let host: PluginHost
    private let client: HTTPClient
    private let directory: DownlinkDirectory
    private let configuration: TTNConfiguration
    private let metrics: TTNMetrics
    private let faults: ClientFaultLog

    init(host: PluginHost, client: HTTPClient, directory: DownlinkDirectory, configuration: TTNConfiguration, metrics: TTNMetrics) {
        self.host = host
        self.client = client
        self.directory = directory
        self.configuration = configuration
        self.metrics = metrics
        faults = ClientFaultLog(host: host)
    }

    /// The route handler of an application: declines devices it has no target for, so the
    /// sender hears "no route" rather than a failure.
    func handle(_ command: Command) -> Status {
        guard let target = directory.target(application: command.application, device: command.device,
                                            mode: configuration.downlinkMode, allowHTTP: configuration.allowHTTPDownlinks)
        else { return .notFound }
        var request = HTTPClientRequest(method: "POST", url: target.url, body: Self.body(for: command))
        try? request.headers.add(name: "Authorization", value: "Bearer \(target.apiKey)")
        try? request.headers.add(name: "Content-Type", value: "application/json")
        let operation = command.operation
        let host = host, metrics = metrics, faults = faults
        let device = "\(command.device)@\(command.application)"
        client.send(request, to: target.url, timeoutMilliseconds: configuration.downlinkTimeoutMilliseconds) { result in
            let status: Status
            switch result {
            case .success(let response) where (200..<300).contains(response.status):
                status = .ok
            case .success(let response):
                status = (400..<500).contains(response.status) ? .rejected : .unavailable
                faults.log(.warn, "downlink for \(device): \(target.url.origin) answered \(response.status)")
            case .failure(let error):
                status = .unavailable
                faults.log(.warn, "downlink for \(device): \(target.url.origin): \(error)")
            }
            (status == .ok ? metrics.downlinksAccepted : metrics.downlinksFailed)?.add()
            // Without an operation nobody waits (a sender without ABI 1.2): the log tells.
            if operation != 0 { host.completeCommand(operation, status) }
        }
        return operation != 0 ? .pending : .ok
    }

    /// `{"downlinks":[{"f_port":P,"frm_payload":"..."}]}`. A command named `port:N` (N in 1...223)
    /// sends its payload on port N; any other goes to port 1 as Drogue sends it: the JSON
    /// `{"command":NAME,"command_payload":BASE64}`, base64-encoded again as the frame payload.
    static func body(for command: Command) -> [UInt8] {
        let port: Int
        var frame: [UInt8]
        if command.name.hasPrefix("port:"), let number = Int(command.name.dropFirst(5)), (1...223).contains(number) {
            port = number
            frame = command.payload
        } else {
            port = 1
            frame = Array("{\"command\":".utf8)
            JSON.appendQuoted(command.name, to: &frame)
            frame += Array(",\"command_payload\":\"".utf8)
            command.payload.withUnsafeBytes { Base64.encode($0, into: &frame) }
            frame += Array("\"}".utf8)
        }
        var body = Array("{\"downlinks\":[{\"f_port\":\(port),\"frm_payload\":\"".utf8)
        frame.withUnsafeBytes { Base64.encode($0, into: &body) }
        body += Array("\",\"priority\":\"NORMAL\"}]}".utf8)
        return body
    }
}
