import Foundation
import TestSupport
import XCTest

/// A real `tributary` with the registry, the http plugin and a recording sink, on free ports,
/// plus the clients the tests use: curl, openssl s_client, python3-websocket, raw sockets.
final class HTTPTestHost {
    let directory: String
    let host: HostProcess
    let devicePort: Int
    let applicationPort: Int
    let deviceTLSPort: Int
    let pki: TestPKI
    let ca: TestPKI.Issued
    let deviceCertificate: TestPKI.Issued

    var events: [[String: Any]] { Fixtures.jsonLines(directory + "/events.jsonl") }

    /// `sink` is extra drop-in text for the recording sink (e.g. an outcome); `http` for the plugin.
    init(sink: String = "", http: String = "") throws {
        directory = Fixtures.temporaryDirectory("http")
        pki = try TestPKI()
        ca = try pki.authority("devices-ca", subject: "/O=Example/CN=Devices CA")
        deviceCertificate = try pki.client("device-cert", subject: "/O=Example/CN=cert-device", issuer: ca)
        let server = try pki.server("server", issuer: ca)
        devicePort = HostProcess.freePort()
        applicationPort = HostProcess.freePort()
        deviceTLSPort = HostProcess.freePort()
        let anchor = Data(ca.pem.utf8).base64EncodedString()
        let registry = """
            {"applications": [
              {"metadata": {"name": "app", "owner": "owner", "members": {"reader": {"role": "reader"}, "manager": {"role": "manager"}}},
               "spec": {"trustAnchors": {"anchors": [{"certificate": "\(anchor)"}]}}},
              {"metadata": {"name": "off-app"}, "spec": {"core": {"disabled": true}}}
            ],
            "devices": [
              {"metadata": {"name": "device-1", "application": "app"}, "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "user-device", "application": "app"},
               "spec": {"authentication": {"credentials": [{"user": {"username": "u", "password": "upass"}}]}}},
              {"metadata": {"name": "gw", "application": "app"}, "spec": {"authentication": {"credentials": [{"pass": "gwpass"}]}}},
              {"metadata": {"name": "sensor", "application": "app"}, "spec": {"gatewaySelector": {"matchNames": ["gw"]}}},
              {"metadata": {"name": "lonely", "application": "app"}, "spec": {}},
              {"metadata": {"name": "disabled", "application": "app"},
               "spec": {"core": {"disabled": true}, "authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "d", "application": "off-app"}, "spec": {"authentication": {"credentials": [{"pass": "secret"}]}}},
              {"metadata": {"name": "CN=cert-device,O=Example", "application": "app"}, "spec": {}}
            ],
            "users": [
              {"metadata": {"name": "owner"}, "spec": {"apiKeys": [{"hash": "sha256:\(sha256("owner-key"))"}]}},
              {"metadata": {"name": "reader"}, "spec": {"apiKeys": [{"hash": "sha256:\(sha256("reader-key"))"}]}},
              {"metadata": {"name": "stranger"}, "spec": {"apiKeys": [{"hash": "sha256:\(sha256("stranger-key"))"}]}}
            ]}
            """
        try writeDropIns(directory, [
            "10-registry.conf": "plugin = \"registry-file\"\npath = \"\(directory)/registry.json\"\n",
            "20-http.conf": """
                plugin = "http"
                device_address = "127.0.0.1:\(devicePort)"
                application_address = "127.0.0.1:\(applicationPort)"
                tls_certificate = "\(server.certificatePath)"
                tls_key = "\(server.keyPath)"
                device_tls_address = "127.0.0.1:\(deviceTLSPort)"
                application_tls_address = "127.0.0.1:\(HostProcess.freePort())"
                event_loops = 2
                \(http)
                """,
            "30-sink.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(directory)/events.jsonl\"\n\(sink)",
        ])
        try registry.write(toFile: directory + "/registry.json", atomically: true, encoding: .utf8)
        host = try HostProcess(directory: directory, adminPort: HostProcess.freePort(), extraArguments: ["--plugin-path", Fixtures.products])
        try host.waitUntilReady()
    }

    deinit { _ = host.terminate() }

    struct Reply {
        var status: Int
        var headers: String
        var body: String
    }

    /// Runs curl; `arguments` are curl's own (method, data, headers, url).
    func curl(_ arguments: [String]) throws -> Reply {
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "20", "-D", "-", "-o", directory + "/body", "-w", "%{http_code}"] + arguments)
        let code = Int(result.output.suffix(3)) ?? 0
        let body = (try? String(contentsOfFile: directory + "/body", encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: directory + "/body")
        return Reply(status: code, headers: String(result.output.dropLast(3)), body: body)
    }

    func device(_ path: String) -> String { "http://127.0.0.1:\(devicePort)\(path)" }
    func application(_ path: String) -> String { "http://127.0.0.1:\(applicationPort)\(path)" }

    /// Sends raw bytes on a new connection and returns what came back before the server closed
    /// (or `seconds` passed).
    func raw(_ bytes: String, port: Int, seconds: Double = 5) throws -> String {
        let script = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", \(port)))
            s.settimeout(\(seconds))
            s.sendall(sys.stdin.buffer.read())
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk: break
                    data += chunk
            except socket.timeout:
                data += b"<timeout>"
            sys.stdout.write(data.decode("latin-1"))
            """
        let input = directory + "/raw-input"
        try bytes.write(toFile: input, atomically: true, encoding: .utf8)
        return try Fixtures.run("/bin/sh", ["-c", "/usr/bin/python3 -c '\(script)' < \(input)"]).output
    }
}

func sha256(_ text: String) -> String {
    (try? Fixtures.run("/bin/sh", ["-c", "printf %s '\(text)' | sha256sum | cut -d' ' -f1"]).output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
}
