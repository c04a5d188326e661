import CoAPCodec
import Foundation
import TestSupport
import XCTest

/// A real `tributary` with the registry, the coap plugin on a port-0 UDP socket and a recording
/// sink, plus two clients: libcoap's `coap-client-notls`, and a raw UDP client (python3) for
/// datagrams no real client sends.
final class CoAPTestHost {
    let base: AdapterTestHost
    let port: Int

    static let client = "/usr/bin/coap-client-notls"

    var events: [[String: Any]] { base.events }

    /// `commands`: also the http plugin, whose command API (`commandURL`) sends commands.
    /// `dtls`: also the DTLS endpoint, with the server certificate (`dtlsPort`).
    /// `devices`: further registry entries.
    init(sink: String = "", coap: String = "", commands: Bool = false, dtls: Bool = false, devices: [String] = []) throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.client), "\(Self.client) missing (make deps installs libcoap3-bin)")
        let http = "plugin = \"http\"\ndevice_address = \"127.0.0.1:0\"\napplication_address = \"127.0.0.1:0\"\n"
        base = try AdapterTestHost(label: "coap", sink: sink, more: commands ? ["25-http.conf": http] : [:], devices: devices) { server in
            let secure = dtls ? "dtls_address = \"127.0.0.1:0\"\ntls_certificate = \"\(server.certificatePath)\"\ntls_key = \"\(server.keyPath)\"\n" : ""
            return "plugin = \"coap\"\naddress = \"127.0.0.1:0\"\n\(secure)\(coap)\n"
        }
        port = try base.port("device endpoint")
        dtlsPort = dtls ? try base.port("device endpoint (DTLS)") : 0
        applicationPort = commands ? try base.process.port("http", "application API") : 0
    }

    let applicationPort: Int
    let dtlsPort: Int

    static let secureClient = "/usr/bin/coap-client-openssl"

    /// Runs coap-client-openssl against the DTLS endpoint (`coaps://`), to its end.
    func secureClient(_ arguments: [String], path: String = "/v1/telemetry", seconds: Double = 15) throws -> Fixtures.Output {
        try Fixtures.run(Self.secureClient, ["-B", "\(Int(seconds))"] + arguments + ["coaps://127.0.0.1:\(dtlsPort)\(path)"], seconds: seconds + 5)
    }

    /// Sends command `name` to `device` of `app` through the http plugin's command API, as the
    /// application's owner; returns the HTTP status (202: delivered).
    func sendCommand(_ name: String, to device: String, payload: String) throws -> Int {
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-u", "owner:owner-key",
                                                       "--data", payload,
                                                       "http://127.0.0.1:\(applicationPort)/api/command/v1alpha1/apps/app/devices/\(device)?command=\(name)"],
                                      seconds: 20)
        return Int(result.output) ?? 0
    }

    /// `sendCommand` in the background, retried until the device's route exists (202) for 10 s;
    /// exits 0 once sent.
    func startSendingCommand(_ name: String, to device: String, payload: String) throws -> BackgroundProcess {
        let url = "http://127.0.0.1:\(applicationPort)/api/command/v1alpha1/apps/app/devices/\(device)?command=\(name)"
        return try BackgroundProcess("/bin/sh", ["-c", """
            for i in $(seq 100); do
              [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -u owner:owner-key --data '\(payload)' '\(url)')" = 202 ] && exit 0
              sleep 0.1
            done
            exit 1
            """])
    }

    static func basic(_ user: String, _ password: String) -> String { "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    func url(_ path: String) -> String { "coap://127.0.0.1:\(port)\(path)" }

    /// Runs coap-client-notls to its end: its exit status and what it printed (the payload of a
    /// 2.xx answer, or the code and diagnostic payload of an error).
    func client(_ arguments: [String], seconds: Double = 20) throws -> Fixtures.Output {
        try Fixtures.run(Self.client, ["-B", "\(Int(seconds))"] + arguments, seconds: seconds + 5)
    }

    /// Sends `datagrams` from one UDP socket, `spacing` seconds apart, and returns every message
    /// that came back within `seconds` after the last, decoded.
    func exchange(_ datagrams: [[UInt8]], seconds: Double = 1.5, spacing: Double = 0.05) throws -> [CoAPMessage] {
        let script = """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for line in sys.argv[2:]:
                s.sendto(bytes.fromhex(line), ("127.0.0.1", int(sys.argv[1])))
                time.sleep(\(spacing))
            s.settimeout(\(seconds))
            try:
                while True:
                    print(s.recv(65536).hex(), flush=True)
            except socket.timeout:
                pass
            """
        let hex = datagrams.map { $0.map { String(format: "%02x", $0) }.joined() }
        let output = try Fixtures.run("/usr/bin/python3", ["-c", script, "\(port)"] + hex, seconds: seconds + 10).output
        return try output.split(separator: "\n").map { line in
            let bytes = stride(from: 0, to: line.count, by: 2).map { offset -> UInt8 in
                let start = line.index(line.startIndex, offsetBy: offset)
                return UInt8(line[start..<line.index(start, offsetBy: 2)], radix: 16)!
            }
            return try CoAPDecoder.decode(bytes)
        }
    }

    /// A confirmable POST to /v1/{channel} as `device-1@app`.
    static func post(_ messageID: UInt16, channel: String = "telemetry", query: [String] = [], payload: String = "{\"t\":1}",
                     type: CoAPMessageType = .confirmable, credentials: String? = basic("device-1@app", "secret")) -> [UInt8] {
        var options = [CoAPOption(.uriPath, string: "v1"), CoAPOption(.uriPath, string: channel), CoAPOption(.contentFormat, uint: 50)]
        options += query.map { CoAPOption(.uriQuery, string: $0) }
        if let credentials { options.append(CoAPOption(.authorization, string: credentials)) }
        return CoAPEncoder.encode(CoAPMessage(type: type, code: .post, messageID: messageID, token: [0xAA, UInt8(messageID & 0xFF)],
                                              options: options, payload: Array(payload.utf8)))
    }

    func waitForEvents(_ count: Int) -> Bool {
        Fixtures.waitUntil(seconds: 10) { self.events.count >= count }
    }
}
