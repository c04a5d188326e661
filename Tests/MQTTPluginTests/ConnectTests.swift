import Foundation
import TestSupport
import XCTest

/// CONNECT on the device endpoint: Drogue's authentication matrix with mosquitto_pub over 3.1.1
/// and 5.0, plain and TLS, and every refusal with its exact code (paho and raw CONNECT bytes).
final class ConnectTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MQTTTestHost?
    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared) } }

    override class func setUp() { shared = try? MQTTTestHost() }
    override class func tearDown() { shared = nil }

    /// Every accepted form publishes through mosquitto_pub in both versions, plain and over TLS.
    func testAuthenticationMatrixWithMosquitto() throws {
        let host = try host
        let forms: [(label: String, arguments: [String], device: String, tlsOnly: Bool)] = [
            ("device@app + password", ["-u", "device-1@app", "-P", "secret"], "device-1", false),
            ("device@app, the device part percent-decoded", ["-u", "dev%40home@app", "-P", "secret"], "dev@home", false),
            ("username/password, client id device@app", ["-i", "user-device@app", "-u", "u", "-P", "upass"], "user-device", false),
            ("client certificate", host.tlsArguments(certificate: host.deviceCertificate), "CN=cert-device,O=Example", true),
        ]
        for form in forms {
            for version in ["mqttv311", "mqttv5"] {
                for tls in [false, true] where tls || !form.tlsOnly {
                    let channel = MQTTTestHost.uniqueChannel("matrix")
                    var arguments = ["-V", version, "-q", "1", "-t", channel, "-m", "{\"form\":\"\(form.label)\"}"] + form.arguments
                    if tls && !form.tlsOnly { arguments += host.tlsArguments() }
                    let result = try host.mosquittoPub(arguments, port: tls ? host.deviceTLSPort : host.devicePort)
                    XCTAssertEqual(result.status, 0, "\(form.label) \(version) tls=\(tls): \(result.output)")
                    let event = host.waitForEvents { $0["subject"] as? String == channel }.first
                    XCTAssertEqual(event?["device"] as? String, form.device, "\(form.label) \(version) tls=\(tls)")
                    XCTAssertEqual(event?["application"] as? String, "app")
                }
            }
        }
    }

    /// Each refusal's CONNACK code as paho reports it: 3.1.1 return code 4 (bad credentials) or 5
    /// (not authorized), 5.0 reason code 0x86 or 0x87.
    func testRefusalCodesWithPaho() throws {
        let result = try host.python("""
            cases = [
                ("wrong password", DEVICE, dict(username="device-1@app", password="nope"), 4, 0x86),
                ("unknown device", DEVICE, dict(username="nobody@app", password="secret"), 4, 0x86),
                ("unknown application", DEVICE, dict(username="device-1@nowhere", password="secret"), 4, 0x86),
                ("no credentials", DEVICE, dict(), 4, 0x86),
                ("user name without @, client id without @", DEVICE, dict(username="u", password="upass", client_id="user-device"), 4, 0x86),
                ("user credential, wrong password", DEVICE, dict(username="u", password="nope", client_id="user-device@app"), 4, 0x86),
                ("disabled device", DEVICE, dict(username="disabled@app", password="secret"), 5, 0x87),
                ("device of a disabled application", DEVICE, dict(username="d@off-app", password="secret"), 5, 0x87),
                ("TLS, wrong password", DEVICE_TLS, dict(username="device-1@app", password="nope", tls=SERVER_TLS), 4, 0x86),
                ("TLS, no certificate, no credentials", DEVICE_TLS, dict(tls=SERVER_TLS), 4, 0x86),
                ("TLS, certificate from an untrusted authority", DEVICE_TLS, dict(tls=FOREIGN_TLS), 4, 0x86),
                ("TLS, trusted certificate", DEVICE_TLS, dict(tls=CERT_TLS), 0, 0),
            ]
            seen = {}
            for label, port, arguments, v3, v5 in cases:
                for version, expected in ((3, v3), (5, v5)):
                    arguments.setdefault("client_id", "paho-probe")
                    client, rc = paho_client(port, v5=version == 5, **arguments)
                    paho_stop(client)
                    seen["%s v%d" % (label, version)] = [rc, expected]
            report(seen=seen)
            """)
        let seen = try XCTUnwrap(result["seen"] as? [String: [Int]])
        XCTAssertEqual(seen.count, 24)
        for (label, codes) in seen.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(codes.first, codes.last, label)
        }
    }

    /// mosquitto_pub shows the refusal too, and exits non-zero.
    func testRefusalsWithMosquitto() throws {
        let host = try host
        let wrong = try host.mosquittoPub(["-u", "device-1@app", "-P", "nope", "-t", "t", "-m", "x"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.output.lowercased().contains("bad user name or password"), wrong.output)
        let disabled = try host.mosquittoPub(["-u", "disabled@app", "-P", "secret", "-t", "t", "-m", "x"])
        XCTAssertNotEqual(disabled.status, 0)
        XCTAssertTrue(disabled.output.lowercased().contains("not authori"), disabled.output)
        let v5 = try host.mosquittoPub(["-V", "mqttv5", "-u", "disabled@app", "-P", "secret", "-t", "t", "-m", "x"])
        XCTAssertNotEqual(v5.status, 0)
        XCTAssertTrue(v5.output.lowercased().contains("not authori"), v5.output)
    }

    /// Raw CONNECT bytes: what CONNACK carries (5.0 properties, an assigned client id), clean
    /// session false accepted, MQTT 3.1 refused with return code 1.
    func testConnAckDetails() throws {
        let result = try host.python("""
            c = Raw(DEVICE, version=5)
            c.send(connect(client_id="", version=5, username="device-1@app", password="secret"))
            ack = c.expect(CONNACK)
            c.close()
            kept = Raw(DEVICE).connect(client_id="keeper", username="device-1@app", password="secret", clean=False)
            old = Raw(DEVICE)
            old.send(packet(0x10, string("MQIsdp") + bytes([3, 0xC2, 0, 60]) + string("x") + string("device-1@app") + string("secret")))
            refused = old.expect(CONNACK)
            closed, _ = old.closed_after(3)
            report(rc=ack["rc"], assigned=ack["props"].get("assigned_client_id", ""), max_packet=ack["props"].get(0x27),
                   receive_max=ack["props"].get(0x21), shared=ack["props"].get(0x2A), kept=kept, mqtt31=refused["rc"],
                   closed=closed is not None)
            """)
        XCTAssertEqual(result.int("rc"), 0)
        XCTAssertTrue((result["assigned"] as? String)?.isEmpty == false, "an empty client id gets one assigned: \(result)")
        XCTAssertEqual(result.int("max_packet"), 262_144)
        XCTAssertEqual(result.int("receive_max"), 100)
        XCTAssertEqual(result.int("shared"), 0, "no shared subscriptions on the device side")
        XCTAssertEqual(result.int("kept"), 0, "clean session false is accepted")
        XCTAssertEqual(result.int("mqtt31"), 1, "MQTT 3.1 gets return code 1")
        XCTAssertEqual(result["closed"] as? Bool, true)
    }
}
