import Foundation

/// The real `tributary` as an adapter's end-to-end tests start it: the registry below, the
/// adapter's drop-in and a recording sink, with certificates from `TestPKI`. The adapter's
/// addresses should be port 0; ``port(_:)`` reads what it bound.
///
/// The registry: application `app` (owner `owner`; `reader` a reader, `manager` a manager; the
/// devices CA as trust anchor) and the disabled `off-app`; devices `device-1`, `device-2`, `dev@home`
/// (password `secret`; a name that must be percent-encoded in `device@app`), `user-device` (user `u` / `upass`), the certificate device
/// `CN=cert-device,O=Example`, the gateway `gw` (`gwpass`), `sensor` (whose gatewaySelector names
/// `gw`), `lonely` (no gateway), `disabled` (disabled, `secret`) and `d` of `off-app`; users
/// `owner`, `reader`, `manager` and `stranger`, each with the API key `<name>-key`.
public final class AdapterTestHost {
    public let directory: String
    public let pki: TestPKI
    /// The devices CA, `app`'s trust anchor, which also signed `server`.
    public let ca: TestPKI.Issued
    /// A client certificate for `CN=cert-device,O=Example`, signed by `ca`.
    public let deviceCertificate: TestPKI.Issued
    /// The server certificate for `localhost` and 127.0.0.1.
    public let server: TestPKI.Issued
    public let process: HostProcess
    /// The adapter's instance name, from its drop-in `20-<label>.conf`.
    public let instanceName: String

    public var eventsPath: String { directory + "/events.jsonl" }
    /// What the recording sink took so far, one JSON object per event.
    public var events: [[String: Any]] { Fixtures.jsonLines(eventsPath) }

    /// - Parameters:
    ///   - label: names the temporary directory and the adapter's drop-in.
    ///   - sink: extra drop-in text for the recording sink (an outcome, a delay, a filter).
    ///   - adapter: the adapter's drop-in, given the server certificate.
    ///   - more: further drop-ins by file name (another adapter, e.g. http for its command API).
    ///   - applications, devices: further registry entries (JSON objects), after the ones above.
    public init(label: String, sink: String = "", more: [String: String] = [:], applications: [String] = [], devices: [String] = [],
                adapter: (TestPKI.Issued) -> String) throws {
        directory = Fixtures.temporaryDirectory(label)
        instanceName = label
        pki = try TestPKI()
        ca = try pki.authority("devices-ca", subject: "/O=Example/CN=Devices CA")
        deviceCertificate = try pki.client("device-cert", subject: "/O=Example/CN=cert-device", issuer: ca)
        server = try pki.server("server", issuer: ca)
        try AdapterTestHost.registry(anchor: ca, applications: applications, devices: devices).write(toFile: directory + "/registry.json", atomically: true, encoding: .utf8)
        try writeDropIns(directory, [
            "10-registry.conf": "plugin = \"registry-file\"\npath = \"\(directory)/registry.json\"\n",
            "20-\(label).conf": adapter(server),
            "30-sink.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(directory)/events.jsonl\"\n\(sink)",
        ].merging(more) { first, _ in first })
        process = try HostProcess(directory: directory, extraArguments: ["--plugin-path", Fixtures.products])
        try process.waitUntilReady()
    }

    deinit { _ = process.terminate() }

    /// Waits until every message the adapter handed to the host has ended (accepted, rejected,
    /// busy or failed), by its counters on /metrics: then the sink has recorded all it took.
    public func waitUntilEveryPublishEnded(seconds: Double = 10) -> Bool {
        let label = "{instance=\"\(instanceName)\"}"
        return Fixtures.waitUntil(seconds: seconds) {
            let counts = ["received", "accepted", "rejected", "busy", "failed"].map { process.metric("tributary_events_\($0)_total" + label) }
            guard let received = counts[0], counts.allSatisfy({ $0 != nil }) else { return false }
            return received == counts.dropFirst().reduce(0) { $0 + $1! }
        }
    }

    /// The port the adapter's listener `label` bound (its instance is the drop-in's, `label`).
    public func port(_ listener: String) throws -> Int { try process.port(instanceName, listener) }

    private static func registry(anchor: TestPKI.Issued, applications: [String], devices: [String]) -> String {
        let users = ["owner", "reader", "manager", "stranger"].map { user in
            "{\"metadata\": {\"name\": \"\(user)\"}, \"spec\": {\"apiKeys\": [{\"hash\": \"sha256:\(TestHashes.sha256Hex("\(user)-key"))\"}]}}"
        }
        return """
            {"applications": [
              {"metadata": {"name": "app", "owner": "owner", "members": {"reader": {"role": "reader"}, "manager": {"role": "manager"}}},
               "spec": {"trustAnchors": {"anchors": [{"certificate": "\(Data(anchor.pem.utf8).base64EncodedString())"}]}}},
              {"metadata": {"name": "off-app"}, "spec": {"core": {"disabled": true}}}\(applications.map { ",\n" + $0 }.joined())
            ],
            "devices": [
              {"metadata": {"name": "device-1", "application": "app"}, "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "device-2", "application": "app"}, "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "dev@home", "application": "app"}, "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "user-device", "application": "app"},
               "spec": {"authentication": {"credentials": [{"user": {"username": "u", "password": "upass"}}]}}},
              {"metadata": {"name": "gw", "application": "app"}, "spec": {"authentication": {"credentials": [{"pass": "gwpass"}]}}},
              {"metadata": {"name": "sensor", "application": "app"}, "spec": {"gatewaySelector": {"matchNames": ["gw"]}}},
              {"metadata": {"name": "lonely", "application": "app"}, "spec": {}},
              {"metadata": {"name": "disabled", "application": "app"},
               "spec": {"core": {"disabled": true}, "authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "d", "application": "off-app"}, "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "CN=cert-device,O=Example", "application": "app"}, "spec": {}}\(devices.map { ",\n" + $0 }.joined())
            ],
            "users": [\(users.joined(separator: ",\n"))]}
            """
    }
}
