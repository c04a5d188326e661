import Foundation
import TestSupport
import XCTest

/// A real `tributary` with the registry, the ttn plugin (its webhooks over TLS), the http plugin
/// (for the command API) and a recording sink, plus a stand-in network server
/// (`network_server.py`) for downlinks.
///
/// Registry additions: application `ttn-app` whose `spec.ttn.api` points at the stand-in; the
/// webhook's device `ttn-gateway` (`gwsecret`); end devices that name it in their gatewaySelector:
/// `eui-raw` (payload raw, port 1 data schema), `eui-fields` (payload fields), `eui-full` (no
/// choice: the drop-in's default, full), `fail4`, `fail5`, `slow` (the stand-in's failures); and
/// `eui-stranger`, which does not name it.
final class TTNTestHost {
    let base: AdapterTestHost
    let networkServer: BackgroundProcess
    let networkServerPort: Int
    let webhookPort: Int
    let applicationPort: Int

    var directory: String { base.directory }
    var events: [[String: Any]] { base.events }
    var downlinkLog: String { directory + "/downlinks.jsonl" }
    /// What the stand-in network server received, one object per request.
    var downlinks: [[String: Any]] { Fixtures.jsonLines(downlinkLog) }

    init() throws {
        let scratch = Fixtures.temporaryDirectory("ttn-ns")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("network_server.py").path
        networkServer = try BackgroundProcess("/usr/bin/python3", [script, scratch + "/downlinks.jsonl"])
        guard networkServer.waitForOutput(containing: "\n", seconds: 10),
              let port = Int(networkServer.output.split(separator: "\n").first ?? "") else {
            throw XCTSkip("the stand-in network server did not start: \(networkServer.output)")
        }
        networkServerPort = port
        let gateway = "\"gatewaySelector\": {\"matchNames\": [\"ttn-gateway\"]}"
        let devices = [
            "{\"metadata\": {\"name\": \"ttn-gateway\", \"application\": \"ttn-app\"}, \"spec\": {\"authentication\": {\"credentials\": [{\"pass\": \"gwsecret\"}]}}}",
            "{\"metadata\": {\"name\": \"eui-raw\", \"application\": \"ttn-app\"}, \"spec\": {\(gateway), \"ttn\": {\"payload\": \"raw\"}, \"lorawan\": {\"ports\": {\"1\": {\"data_schema\": \"urn:temperature:v1\"}}}}}",
            "{\"metadata\": {\"name\": \"eui-fields\", \"application\": \"ttn-app\"}, \"spec\": {\(gateway), \"ttn\": {\"payload\": \"fields\"}}}",
            "{\"metadata\": {\"name\": \"eui-full\", \"application\": \"ttn-app\"}, \"spec\": {\(gateway)}}",
            "{\"metadata\": {\"name\": \"fail4\", \"application\": \"ttn-app\"}, \"spec\": {\(gateway)}}",
            "{\"metadata\": {\"name\": \"fail5\", \"application\": \"ttn-app\"}, \"spec\": {\(gateway)}}",
            "{\"metadata\": {\"name\": \"slow\", \"application\": \"ttn-app\"}, \"spec\": {\(gateway)}}",
            "{\"metadata\": {\"name\": \"eui-stranger\", \"application\": \"ttn-app\"}, \"spec\": {}}",
        ]
        let api = "http://127.0.0.1:\(port)/api/v3/as/applications/ttn-app/webhooks/tributary/devices"
        let application = """
            {"metadata": {"name": "ttn-app", "owner": "owner"}, "spec": {"ttn": {"api": {"url": "\(api)", "apiKey": "NNSXS.CONFIGURED"}}}}
            """
        base = try AdapterTestHost(
            label: "ttn", more: ["25-http.conf": "plugin = \"http\"\ndevice_address = \"127.0.0.1:0\"\napplication_address = \"127.0.0.1:0\"\n"],
            applications: [application], devices: devices
        ) { server in
            """
            plugin = "ttn"
            address = "127.0.0.1:0"
            tls_certificate = "\(server.certificatePath)"
            tls_key = "\(server.keyPath)"
            event_loops = 2
            max_body_bytes = 16384
            downlink_timeout_ms = 1000
            allow_http_downlinks = true
            """
        }
        // The stand-in's log lives in its own scratch directory; read it through ours.
        try FileManager.default.createSymbolicLink(atPath: base.directory + "/downlinks.jsonl", withDestinationPath: scratch + "/downlinks.jsonl")
        webhookPort = try base.port("webhooks (TLS)")
        applicationPort = try base.process.port("http", "application API")
    }

    deinit { networkServer.process.terminate() }

    struct Reply {
        var status: Int
        var body: String
    }

    /// POSTs `body` to the webhook `path` as `user:password`, with extra headers.
    func post(_ path: String, _ body: String, user: String? = "ttn-gateway@ttn-app:gwsecret", headers: [String] = []) throws -> Reply {
        let bodyFile = directory + "/webhook-\(UUID().uuidString.prefix(8)).json"
        try body.write(toFile: bodyFile, atomically: true, encoding: .utf8)
        var arguments = ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + bodyFile]
        if let user { arguments += ["-u", user] }
        for header in headers { arguments += ["-H", header] }
        // The webhook listener serves TLS (a certificate is configured), verified against the test CA.
        return try curl(arguments + ["--cacert", base.ca.certificatePath, "https://localhost:\(webhookPort)\(path)"])
    }

    /// Sends a command through the http plugin's command API as the application's owner.
    func command(device: String, name: String, payload: String) throws -> Reply {
        try curl(["-X", "POST", "-u", "owner:owner-key", "-H", "Content-Type: application/octet-stream", "--data-binary", payload,
                  "http://127.0.0.1:\(applicationPort)/api/command/v1alpha1/apps/ttn-app/devices/\(device)?command=\(name)"])
    }

    private func curl(_ arguments: [String]) throws -> Reply {
        let output = directory + "/reply-\(UUID().uuidString.prefix(8))"
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "20", "-o", output, "-w", "%{http_code}"] + arguments)
        return Reply(status: Int(result.output.suffix(3)) ?? 0, body: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// The recorded event of `device` whose subject is `channel`, once the sink has it.
    func event(device: String, channel: String) -> [String: Any]? {
        var found: [String: Any]?
        _ = Fixtures.waitUntil(seconds: 10) {
            found = events.last { $0["device"] as? String == device && $0["subject"] as? String == channel }
            return found != nil
        }
        return found
    }
}
