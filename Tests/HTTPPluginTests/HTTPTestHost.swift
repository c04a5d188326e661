import Foundation
import TestSupport
import XCTest

/// A real `tributary` with the registry, the http plugin and a recording sink, on port 0 each,
/// plus the clients the tests use: curl, openssl s_client, python3-websocket, raw sockets.
final class HTTPTestHost {
    let base: AdapterTestHost
    let devicePort: Int
    let applicationPort: Int
    let deviceTLSPort: Int

    var directory: String { base.directory }
    var host: HostProcess { base.process }
    var pki: TestPKI { base.pki }
    var ca: TestPKI.Issued { base.ca }
    var deviceCertificate: TestPKI.Issued { base.deviceCertificate }
    var events: [[String: Any]] { base.events }

    /// `sink` is extra drop-in text for the recording sink (e.g. an outcome); `http` for the plugin.
    init(sink: String = "", http: String = "") throws {
        base = try AdapterTestHost(label: "http", sink: sink) { server in
            """
            plugin = "http"
            device_address = "127.0.0.1:0"
            application_address = "127.0.0.1:0"
            tls_certificate = "\(server.certificatePath)"
            tls_key = "\(server.keyPath)"
            device_tls_address = "127.0.0.1:0"
            application_tls_address = "127.0.0.1:0"
            event_loops = 2
            \(http)
            """
        }
        devicePort = try base.port("device API")
        applicationPort = try base.port("application API")
        deviceTLSPort = try base.port("device API (TLS)")
    }

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
    /// (or `seconds` passed, then ending in "<timeout>").
    func raw(_ bytes: String, port: Int, seconds: Double = 5) throws -> String {
        let output = try startRaw(bytes, port: port, seconds: seconds).wait(seconds: seconds + 10).output
        return output.hasPrefix(Self.sent) ? String(output.dropFirst(Self.sent.count)) : output
    }

    /// The line a raw client prints once its bytes are sent, before what came back.
    static let sent = "sent\n"

    /// `raw` in the background, for a client that hangs while others are served: wait for
    /// ``sent`` in its output, then for its end.
    func startRaw(_ bytes: String, port: Int, seconds: Double) throws -> BackgroundProcess {
        let script = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", \(port)))
            s.settimeout(\(seconds))
            s.sendall(sys.stdin.buffer.read())
            sys.stdout.write(\(Self.sent.debugDescription))
            sys.stdout.flush()
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
        let input = directory + "/raw-input-\(UUID().uuidString.prefix(8))"
        try bytes.write(toFile: input, atomically: true, encoding: .utf8)
        return try BackgroundProcess("/bin/sh", ["-c", "/usr/bin/python3 -c '\(script)' < \(input)"])
    }
}
