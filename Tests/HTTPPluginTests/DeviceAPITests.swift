import Foundation
import TestSupport
import XCTest

/// The HTTP device endpoint with curl and openssl: Drogue's authentication matrix, every status
/// code, and the command long poll.
final class DeviceAPITests: XCTestCase {
    nonisolated(unsafe) private static var shared: HTTPTestHost?
    private var host: HTTPTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? HTTPTestHost() }
    override class func tearDown() { shared = nil }

    func testAuthenticationMatrix() throws {
        let host = try host
        let post = ["-X", "POST", "--data", "{\"t\":1}", "-H", "Content-Type: application/json"]
        // Basic `device@application` (the device part percent-decoded).
        XCTAssertEqual(try host.curl(post + ["-u", "device-1@app:secret", host.device("/v1/telemetry")]).status, 202)
        XCTAssertEqual(try host.curl(post + ["-u", "device%2D1@app:secret", host.device("/v1/telemetry")]).status, 202)
        XCTAssertEqual(try host.curl(post + ["-u", "dev%40home@app:secret", host.device("/v1/telemetry")]).status, 202)
        // ?application= with the device as user name.
        XCTAssertEqual(try host.curl(post + ["-u", "device-1:secret", host.device("/v1/telemetry?application=app")]).status, 202)
        // ?application=&device= with a username/password credential.
        XCTAssertEqual(try host.curl(post + ["-u", "u:upass", host.device("/v1/telemetry?application=app&device=user-device")]).status, 202)
        // ?device= with `user@application`.
        XCTAssertEqual(try host.curl(post + ["-u", "u@app:upass", host.device("/v1/telemetry?device=user-device")]).status, 202)
        // An X.509 client certificate over TLS: application from the issuer, device from the subject.
        let tls = try host.curl(post + ["--cacert", host.ca.certificatePath, "--cert", host.deviceCertificate.certificatePath,
                                        "--key", host.deviceCertificate.keyPath, "https://localhost:\(host.deviceTLSPort)/v1/telemetry"])
        XCTAssertEqual(tls.status, 202, tls.body)
        XCTAssertTrue(host.events.contains { $0["device"] as? String == "CN=cert-device,O=Example" })
        // The Drogue client's device id and the gateway forms appear in the events.
        let sources = Set(host.events.compactMap { $0["source"] as? String })
        XCTAssertTrue(sources.contains("drogue://app/device%2D1"), "\(sources)")
        XCTAssertTrue(sources.contains("drogue://app/user%2Ddevice"), "\(sources)")
        XCTAssertTrue(sources.contains("drogue://app/dev%40home"), "the device dev@home: \(sources)")
    }

    func testRefusalsAre401Or403() throws {
        let host = try host
        let post = ["-X", "POST", "--data", "x"]
        let wrong = try host.curl(post + ["-u", "device-1@app:nope", host.device("/v1/telemetry")])
        XCTAssertEqual(wrong.status, 401)
        XCTAssertTrue(wrong.headers.lowercased().contains("www-authenticate: basic"), wrong.headers)
        XCTAssertEqual(try host.curl(post + [host.device("/v1/telemetry")]).status, 401, "no credentials")
        XCTAssertEqual(try host.curl(post + ["-H", "Authorization: Bearer abc", host.device("/v1/telemetry")]).status, 401, "not a device credential")
        XCTAssertEqual(try host.curl(post + ["-u", "nobody@app:secret", host.device("/v1/telemetry")]).status, 401, "unknown device")
        XCTAssertEqual(try host.curl(post + ["-u", "disabled@app:secret", host.device("/v1/telemetry")]).status, 403, "disabled device")
        XCTAssertEqual(try host.curl(post + ["-u", "d@off-app:secret", host.device("/v1/telemetry")]).status, 403, "disabled application")
        // Gateways: allowed for a device whose selector names them, refused for others.
        XCTAssertEqual(try host.curl(post + ["-u", "gw@app:gwpass", host.device("/v1/telemetry?as=sensor")]).status, 202)
        XCTAssertEqual(try host.curl(post + ["-u", "gw@app:gwpass", host.device("/v1/telemetry?as=lonely")]).status, 403)
        let gatewayEvent = host.events.last { $0["device"] as? String == "sensor" }
        XCTAssertEqual(gatewayEvent?["sender"] as? String, "gw")
    }

    func testStatusCodes() throws {
        let host = try host
        let auth = ["-u", "device-1@app:secret", "-X", "POST"]
        let notJSON = try host.curl(auth + ["-H", "Content-Type: application/json", "--data", "{nope", host.device("/v1/telemetry")])
        XCTAssertEqual(notJSON.status, 406)
        XCTAssertEqual(try host.curl(auth + ["--data", "x", host.device("/v1/telemetry/extra")]).status, 404, "segments after the channel")
        XCTAssertEqual(try host.curl(auth + ["--data", "x", host.device("/v2/telemetry")]).status, 404)
        XCTAssertEqual(try host.curl(["-u", "device-1@app:secret", host.device("/v1/telemetry")]).status, 405)
        let big = String(repeating: "x", count: 2 << 20)
        let bigFile = host.directory + "/big"
        try big.write(toFile: bigFile, atomically: true, encoding: .utf8)
        XCTAssertEqual(try host.curl(auth + ["--data-binary", "@\(bigFile)", host.device("/v1/telemetry")]).status, 413)
        let typed = try host.curl(auth + ["-H", "Content-Type: text/plain", "--data", "hello", host.device("/v1/state?data_schema=urn:s")])
        XCTAssertEqual(typed.status, 202)
        let event = try XCTUnwrap(host.events.last { $0["subject"] as? String == "state" })
        XCTAssertEqual(event["datacontenttype"] as? String, "text/plain")
        XCTAssertEqual(event["dataschema"] as? String, "urn:s")
        XCTAssertEqual(event["data"] as? String, "hello")
    }

    func testCommandRoundTripAndNoRoute() throws {
        let host = try host
        let poll = Process()
        poll.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        poll.arguments = ["-s", "-m", "20", "-D", "-", "-u", "device-1@app:secret", "-X", "POST", "--data", "{}", host.device("/v1/telemetry?ct=5")]
        let output = Pipe()
        poll.standardOutput = output
        try poll.run()
        // The route exists once the publish was acknowledged: retry the command until it is taken.
        var sent = try host.curl(["-u", "manager:unused", "-X", "POST", host.application("/x")])
        let deadline = Date().addingTimeInterval(5)
        repeat {
            sent = try host.curl(["-u", "owner:owner-key", "-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"led\":\"on\"}",
                                  host.application("/api/command/v1alpha1/apps/app/devices/device-1?command=set-led")])
            if sent.status != 202 { usleep(100_000) }
        } while sent.status != 202 && Date() < deadline
        XCTAssertEqual(sent.status, 202, sent.body)
        let reply = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        poll.waitUntilExit()
        XCTAssertTrue(reply.hasPrefix("HTTP/1.1 200"), reply)
        XCTAssertTrue(reply.lowercased().contains("command: set-led"), reply)
        XCTAssertTrue(reply.hasSuffix("{\"led\":\"on\"}"), reply)

        let none = try host.curl(["-u", "owner:owner-key", "-X", "POST", "--data", "{}",
                                  host.application("/api/command/v1alpha1/apps/app/devices/device-1?command=x")])
        XCTAssertEqual(none.status, 503)
        XCTAssertTrue(none.body.contains("\"error\":\"NoRoute\""), none.body)
        // Without a command within ct, the device gets 202.
        let quiet = try host.curl(["-u", "device-1@app:secret", "-X", "POST", "--data", "{}", host.device("/v1/telemetry?ct=1")])
        XCTAssertEqual(quiet.status, 202)
    }

    func testBackPressureIs503WithRetryAfter() throws {
        let busy = try HTTPTestHost(sink: "outcome = \"busy\"")
        let reply = try busy.curl(["-u", "device-1@app:secret", "-X", "POST", "--data", "{}", busy.device("/v1/telemetry")])
        XCTAssertEqual(reply.status, 503)
        XCTAssertTrue(reply.headers.contains("Retry-After: 1"), reply.headers)
        XCTAssertEqual(busy.events.count, 0, "nothing acknowledged that was not taken")
    }
}
