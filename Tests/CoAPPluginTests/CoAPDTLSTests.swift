import Foundation
import TestSupport
import XCTest

/// The coap plugin's DTLS endpoint with libcoap's coap-client-openssl and openssl s_client:
/// PSK (`device@application`, the key from the registry) and client certificates; a wrong key
/// refused; no state before the cookie exchange; the plain endpoint unaffected.
final class CoAPDTLSTests: XCTestCase {
    /// `psk-device` holds the key "psk-secret" (base64 below).
    private static let devices = [
        #"{"metadata": {"name": "psk-device", "application": "app"}, "spec": {"authentication": {"credentials": [{"psk": {"key": "\#(Data("psk-secret".utf8).base64EncodedString())"}}]}}}"#,
    ]

    private func host() throws -> CoAPTestHost {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: CoAPTestHost.secureClient), "coap-client-openssl missing (make deps installs libcoap3-bin)")
        return try CoAPTestHost(dtls: true, devices: Self.devices)
    }

    func testPreSharedKeyPublishesAsTheIdentitysDevice() throws {
        let host = try host()
        let posted = try host.secureClient(["-m", "post", "-t", "50", "-e", "{\"t\":1}", "-u", "psk-device@app", "-k", "psk-secret"])
        XCTAssertEqual(posted.status, 0, posted.output)
        XCTAssertTrue(host.waitForEvents(1), host.base.process.output)
        XCTAssertEqual(host.events.first?["device"] as? String, "psk-device")
        XCTAssertEqual(host.events.first?["application"] as? String, "app")
        XCTAssertEqual(host.base.process.metric("tributary_plugin_coap_dtls_handshakes_total{instance=\"coap\"}"), 1)

        // The query cannot name another device than the identity's.
        let other = try host.secureClient(["-m", "post", "-e", "x", "-u", "psk-device@app", "-k", "psk-secret"], path: "/v1/telemetry?device=device-1&application=app")
        XCTAssertEqual(other.status, 0, other.output)
        XCTAssertTrue(host.waitForEvents(2))
        XCTAssertEqual(host.events.map { $0["device"] as? String }, ["psk-device", "psk-device"])
    }

    func testWrongKeyAndUnknownIdentityAreRefusedAndOthersStillServed() throws {
        let host = try host()
        let wrong = try host.secureClient(["-m", "post", "-e", "x", "-u", "psk-device@app", "-k", "not-the-key"], seconds: 5)
        let unknown = try host.secureClient(["-m", "post", "-e", "x", "-u", "nobody@app", "-k", "psk-secret"], seconds: 5)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) {
            (host.base.process.metric("tributary_plugin_coap_dtls_handshake_failures_total{instance=\"coap\"}") ?? 0) >= 2
        }, wrong.output + unknown.output)
        XCTAssertEqual(try host.secureClient(["-m", "post", "-e", "x", "-u", "psk-device@app", "-k", "psk-secret"]).status, 0)
        XCTAssertEqual(try host.client(["-m", "post", "-e", "x", "-O", "4209,\(CoAPTestHost.basic("device-1@app", "secret"))", host.url("/v1/telemetry")]).status, 0)
        XCTAssertTrue(host.waitForEvents(2))
        XCTAssertEqual(Set(host.events.compactMap { $0["device"] as? String }), ["psk-device", "device-1"])
    }

    func testClientCertificateAndBasicCredentialsOverDTLS() throws {
        let host = try host()
        let certificate = host.base.deviceCertificate
        let posted = try host.secureClient(["-m", "post", "-e", "{}", "-t", "50", "-c", certificate.certificatePath, "-j", certificate.keyPath,
                                            "-C", host.base.ca.certificatePath])
        XCTAssertEqual(posted.status, 0, posted.output)
        // A certificate handshake without a client certificate: option 4209 decides.
        let basic = try host.secureClient(["-m", "post", "-e", "{}", "-O", "4209,\(CoAPTestHost.basic("device-1@app", "secret"))", "-C", host.base.ca.certificatePath])
        XCTAssertEqual(basic.status, 0, basic.output)
        let none = try host.secureClient(["-m", "post", "-e", "{}", "-C", host.base.ca.certificatePath])
        XCTAssertTrue(none.output.contains("4.01"), none.output)
        XCTAssertTrue(host.waitForEvents(2))
        XCTAssertEqual(host.events.map { $0["device"] as? String }, ["CN=cert-device,O=Example", "device-1"])
    }

    /// A ClientHello without a cookie gets a HelloVerifyRequest and leaves no session behind;
    /// malformed records are dropped.
    func testCookieExchangeBeforeAnyState() throws {
        let host = try host()
        let script = """
            import os, socket, sys
            hello = bytes([0xfe, 0xfd]) + os.urandom(32) + bytes([0, 0]) + bytes([0, 2, 0x00, 0xa8]) + bytes([1, 0])
            handshake = bytes([1]) + len(hello).to_bytes(3, "big") + bytes([0, 0]) + bytes(3) + len(hello).to_bytes(3, "big") + hello
            record = bytes([22, 0xfe, 0xfd, 0, 0]) + bytes(6) + len(handshake).to_bytes(2, "big") + handshake
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(3)
            s.sendto(record, ("127.0.0.1", int(sys.argv[1])))
            answer = s.recv(2048)
            print(answer[0], answer[13], answer[27])
            # Garbage no handshake can come of: empty, truncated, a length past the datagram,
            # a key exchange before any hello, random bytes.
            for junk in [b"", record[:10], bytes([22, 0xfe, 0xfd, 0, 0]) + bytes(6) + bytes([255, 255]) + b"x",
                         bytes([22, 0xfe, 0xfd, 0, 0]) + bytes(6) + bytes([0, 16, 16]) + bytes(15), os.urandom(300)]:
                s.sendto(junk, ("127.0.0.1", int(sys.argv[1])))
            """
        let answer = try Fixtures.run("/usr/bin/python3", ["-c", script, "\(host.dtlsPort)"], seconds: 10)
        // A handshake record (22) holding a HelloVerifyRequest (3) with a 32-byte cookie.
        XCTAssertEqual(answer.output.trimmingCharacters(in: .whitespacesAndNewlines), "22 3 32", answer.output)
        XCTAssertEqual(host.base.process.metric("tributary_plugin_coap_dtls_sessions{instance=\"coap\"}") ?? 0, 0)
        // Other peers are still served.
        XCTAssertEqual(try host.secureClient(["-m", "post", "-e", "x", "-u", "psk-device@app", "-k", "psk-secret"]).status, 0)
        XCTAssertTrue(host.waitForEvents(1))
    }

    /// The DTLS endpoint follows its certificate files like every TLS listener: a rotated
    /// certificate serves the next handshake (openssl s_client -dtls1_2).
    func testRotatedCertificateServesTheNextHandshake() throws {
        let host = try host()
        func served() throws -> String {
            let script = "openssl s_client -dtls1_2 -connect 127.0.0.1:\(host.dtlsPort) -CAfile '\(host.base.ca.certificatePath)' </dev/null 2>/dev/null"
                + " | openssl x509 -noout -serial"
            return try Fixtures.run("/bin/bash", ["-c", script], seconds: 15).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func serial(_ path: String) throws -> String {
            try Fixtures.run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", path]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        XCTAssertEqual(try served(), try serial(host.base.server.certificatePath))
        let rotated = try host.base.pki.server("server-rotated", issuer: host.base.ca)
        for (from, to) in [(rotated.keyPath, host.base.server.keyPath), (rotated.certificatePath, host.base.server.certificatePath)] {
            try? FileManager.default.removeItem(atPath: to + ".new")
            try FileManager.default.copyItem(atPath: from, toPath: to + ".new")
            _ = rename(to + ".new", to)
        }
        let fresh = try serial(rotated.certificatePath)
        XCTAssertTrue(try Fixtures.waitUntil(seconds: 10) { try served() == fresh }, host.base.process.output)
        XCTAssertEqual(try host.secureClient(["-m", "post", "-e", "x", "-u", "psk-device@app", "-k", "psk-secret"]).status, 0)
    }

    /// Sessions are bounded: past `dtls_max_sessions` the least recently active one goes, and an
    /// idle one is forgotten after `dtls_idle_seconds`. openssl s_client holds its sessions open
    /// without traffic (coap-client closes its own with close_notify when it exits).
    func testSessionBoundAndIdleTimeout() throws {
        let host = try CoAPTestHost(coap: "dtls_max_sessions = 1\nevent_loops = 1\ndtls_idle_seconds = 2", dtls: true, devices: Self.devices)
        let metric = { (name: String) in host.base.process.metric("tributary_plugin_coap_\(name){instance=\"coap\"}") ?? -1 }
        func holdSession() throws -> BackgroundProcess {
            try BackgroundProcess("/bin/sh", ["-c", "sleep 6 | openssl s_client -dtls1_2 -connect 127.0.0.1:\(host.dtlsPort) -psk_identity psk-device@app "
                                             + "-psk \(Data("psk-secret".utf8).map { String(format: "%02x", $0) }.joined()) -cipher PSK-AES128-GCM-SHA256 -quiet"])
        }
        let first = try holdSession()
        defer { first.signal(SIGTERM) }
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { metric("dtls_handshakes_total") == 1 }, host.base.process.output)
        XCTAssertEqual(metric("dtls_sessions"), 1)
        let second = try holdSession()
        defer { second.signal(SIGTERM) }
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { metric("dtls_handshakes_total") == 2 }, host.base.process.output)
        XCTAssertEqual(metric("dtls_sessions"), 1, "the first session was pushed out")
        XCTAssertTrue(Fixtures.waitUntil(seconds: 6) { metric("dtls_sessions") == 0 }, "the idle session is forgotten")
    }
}
