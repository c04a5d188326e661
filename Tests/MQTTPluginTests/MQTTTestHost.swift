import Foundation
import TestSupport
import XCTest

/// A real `tributary` with the registry (see `AdapterTestHost`), the mqtt plugin (plain and TLS,
/// device side and integration) and a recording sink, plus the clients the tests drive it with:
/// mosquitto_pub/mosquitto_sub, and python3 scripts using `Scripts/mqttprobe.py` (raw MQTT and
/// python3-paho-mqtt).
final class MQTTTestHost {
    let base: AdapterTestHost
    let devicePort: Int
    let integrationPort: Int
    let deviceTLSPort: Int
    let integrationTLSPort: Int
    /// A client certificate for the same subject as `deviceCertificate`, from an authority no
    /// application trusts.
    let foreignCertificate: TestPKI.Issued

    var directory: String { base.directory }
    var host: HostProcess { base.process }
    var ca: TestPKI.Issued { base.ca }
    var deviceCertificate: TestPKI.Issued { base.deviceCertificate }
    var eventsPath: String { base.eventsPath }
    var events: [[String: Any]] { base.events }

    static let scripts: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.path + "/Scripts"
    }()

    /// `sink` is extra drop-in text for the recording sink (an outcome, a delay); `mqtt` for the plugin.
    init(sink: String = "", mqtt: String = "") throws {
        base = try AdapterTestHost(label: "mqtt", sink: sink) { server in
            """
            plugin = "mqtt"
            device_address = "127.0.0.1:0"
            integration_address = "127.0.0.1:0"
            tls_certificate = "\(server.certificatePath)"
            tls_key = "\(server.keyPath)"
            device_tls_address = "127.0.0.1:0"
            integration_tls_address = "127.0.0.1:0"
            event_loops = 2
            \(mqtt)
            """
        }
        devicePort = try base.port("devices")
        integrationPort = try base.port("integration")
        deviceTLSPort = try base.port("devices (TLS)")
        integrationTLSPort = try base.port("integration (TLS)")
        let foreignCA = try base.pki.authority("foreign-ca", subject: "/O=Elsewhere/CN=Foreign CA")
        foreignCertificate = try base.pki.client("foreign-cert", subject: "/O=Example/CN=cert-device", issuer: foreignCA)
    }

    // MARK: Clients

    /// What every script starts with: the helpers, the ports and the certificate paths.
    private var preamble: String {
        """
        import sys, time, json
        sys.path.insert(0, \(quoted(Self.scripts)))
        from mqttprobe import *
        DEVICE, INTEGRATION, DEVICE_TLS, INTEGRATION_TLS = \(devicePort), \(integrationPort), \(deviceTLSPort), \(integrationTLSPort)
        CA = \(quoted(ca.certificatePath))
        CERT_TLS = {"ca": CA, "cert": \(quoted(deviceCertificate.certificatePath)), "key": \(quoted(deviceCertificate.keyPath))}
        FOREIGN_TLS = {"ca": CA, "cert": \(quoted(foreignCertificate.certificatePath)), "key": \(quoted(foreignCertificate.keyPath))}
        SERVER_TLS = {"ca": CA}
        EVENTS = \(quoted(eventsPath))

        """
    }

    private func quoted(_ text: String) -> String { "\"\(text)\"" }

    /// Runs a python3 script (after the preamble) and returns the JSON object of its last line.
    func python(_ script: String, seconds: Double = 20, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try startPython(script).wait(seconds: seconds)
        guard let last = result.output.split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else {
            throw FixtureError("script ended with \(result.status) without a JSON line:\n\(result.output)")
        }
        if let error = object["error"] { throw FixtureError("script failed: \(error)\n\(result.output)") }
        return object
    }

    /// Starts a python3 script in the background (a consumer that outlives the next steps).
    func startPython(_ script: String) throws -> BackgroundProcess {
        try BackgroundProcess("/usr/bin/python3", ["-u", "-c", preamble + script])
    }

    /// mosquitto_pub against the device endpoint; returns its exit status and output.
    @discardableResult
    func mosquittoPub(_ arguments: [String], port: Int? = nil, seconds: Double = 10) throws -> Fixtures.Output {
        try Fixtures.run("/usr/bin/mosquitto_pub", ["-h", "127.0.0.1", "-p", "\(port ?? devicePort)"] + arguments, seconds: seconds)
    }

    /// mosquitto_sub in the background; `-W` bounds it too. Its output is line-buffered (stdbuf),
    /// so a test sees each line when it is written (with `-d`: "received SUBACK").
    func mosquittoSub(_ arguments: [String], port: Int? = nil, seconds: Int = 10) throws -> BackgroundProcess {
        try BackgroundProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", "\(port ?? integrationPort)",
                                                  "-W", "\(seconds)"] + arguments)
    }

    /// TLS arguments for mosquitto clients (server verified against the test CA).
    func tlsArguments(certificate: TestPKI.Issued? = nil) -> [String] {
        var arguments = ["--cafile", ca.certificatePath]
        if let certificate { arguments += ["--cert", certificate.certificatePath, "--key", certificate.keyPath] }
        return arguments
    }

    /// The recorded events that match, once there are at least `count` of them (or `seconds` passed).
    func waitForEvents(count: Int = 1, seconds: Double = 10, where matches: ([String: Any]) -> Bool) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(seconds)
        var found: [[String: Any]] = []
        repeat {
            found = events.filter(matches)
            if found.count >= count { return found }
            usleep(20_000)
        } while Date() < deadline
        return found
    }

    func events(channel: String) -> [[String: Any]] { events.filter { $0["subject"] as? String == channel } }

    /// A channel name no other test uses.
    static func uniqueChannel(_ label: String) -> String { "\(label)-\(UUID().uuidString.prefix(8).lowercased())" }
}
