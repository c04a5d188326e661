import Foundation
import TestSupport
import XCTest

/// A listener's certificate replaced on disk serves the next handshake, while a connection made
/// with the old one stays up; a key that does not match is refused and the previous certificate
/// is still served, with /healthz saying why. Files the watch cannot see change are read again
/// on SIGHUP.
final class TLSReloadTests: XCTestCase {
    private func servedSerial(_ port: Int, _ host: MQTTTestHost) throws -> String {
        try servedSerial(port, ca: host.ca)
    }

    private func servedSerial(_ port: Int, ca: TestPKI.Issued) throws -> String {
        let script = "openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile '\(ca.certificatePath)' </dev/null 2>/dev/null"
            + " | openssl x509 -noout -serial"
        return try Fixtures.run("/bin/bash", ["-c", script]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func serial(of certificate: String) throws -> String {
        try Fixtures.run("/usr/bin/openssl", ["x509", "-noout", "-serial", "-in", certificate]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Replaces `destination` the way deploy tools do: a new file renamed over it.
    private func replace(_ destination: String, with source: String) throws {
        let temporary = destination + ".new"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: source, toPath: temporary)
        _ = rename(temporary, destination)
    }

    func testARotatedCertificateServesNewHandshakesAndKeepsOldConnections() throws {
        let host = try MQTTTestHost()
        let original = try serial(of: host.base.server.certificatePath)
        XCTAssertEqual(try servedSerial(host.integrationTLSPort, host), original)

        let subscriber = try host.mosquittoSub(["-d", "-V", "mqttv5", "-u", "reader", "-P", "reader-key", "-t", "app/app", "-v"] + host.tlsArguments(),
                                               port: host.integrationTLSPort, seconds: 30)
        XCTAssertTrue(subscriber.waitForOutput(containing: "received SUBACK", seconds: 10), subscriber.output)

        let rotated = try host.base.pki.server("server-rotated", issuer: host.ca)
        try replace(host.base.server.keyPath, with: rotated.keyPath)
        try replace(host.base.server.certificatePath, with: rotated.certificatePath)
        let fresh = try serial(of: rotated.certificatePath)
        XCTAssertNotEqual(fresh, original)
        XCTAssertTrue(try Fixtures.waitUntil(seconds: 10) { try servedSerial(host.integrationTLSPort, host) == fresh }, "the new certificate is served")
        XCTAssertEqual(try servedSerial(host.deviceTLSPort, host), fresh, "on every TLS listener of the plugin")
        XCTAssertTrue(host.host.output.contains("\(host.base.server.certificatePath), \(host.base.server.keyPath) loaded"), host.host.output)

        // The subscriber connected with the old certificate still gets events.
        XCTAssertEqual(try host.mosquittoPub(["-u", "device-1@app", "-P", "secret", "-t", "after-rotation", "-m", "{}"]).status, 0)
        XCTAssertTrue(subscriber.waitForOutput(containing: "after-rotation", seconds: 10), subscriber.output)

        // A key that does not match the certificate: refused, the rotated certificate stays.
        let stranger = try host.base.pki.server("server-stranger", issuer: host.ca)
        try replace(host.base.server.keyPath, with: stranger.keyPath)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.host.output.contains("the changed TLS files were refused, the previous ones are still in use") }, host.host.output)
        XCTAssertEqual(try servedSerial(host.integrationTLSPort, host), fresh)
        let health = host.host.admin("/healthz")?.body ?? ""
        XCTAssertTrue(health.contains("degraded") && health.contains(host.base.server.keyPath), health)
        XCTAssertGreaterThanOrEqual(host.host.metric("tributary_plugin_mqtt_tls_reload_failures_total{instance=\"mqtt\"}") ?? 0, 1)

        // Put right again: healthy.
        try replace(host.base.server.keyPath, with: rotated.keyPath)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.host.admin("/healthz")?.body.contains("\"ok\"") == true }, host.host.admin("/healthz")?.body ?? "")
    }

    /// The drop-in names symlinks (as certbot's `live/` directory does) whose targets are
    /// replaced in another directory: the watch of the symlinks' directory sees nothing, SIGHUP
    /// makes the next handshake use the new certificate.
    func testSIGHUPReadsCertificatesTheWatchCannotSee() throws {
        let live = Fixtures.temporaryDirectory("live-certificates")
        var targets: TestPKI.Issued?
        let base = try AdapterTestHost(label: "mqtt") { server in
            targets = server
            _ = symlink(server.certificatePath, live + "/fullchain.pem")
            _ = symlink(server.keyPath, live + "/privkey.pem")
            return """
            plugin = "mqtt"
            device_address = "127.0.0.1:0"
            tls_certificate = "\(live)/fullchain.pem"
            tls_key = "\(live)/privkey.pem"
            device_tls_address = "127.0.0.1:0"
            """
        }
        let port = try base.port("devices (TLS)")
        let original = try serial(of: base.server.certificatePath)
        XCTAssertEqual(try servedSerial(port, ca: base.ca), original)

        let rotated = try base.pki.server("server-rotated", issuer: base.ca)
        try replace(targets!.keyPath, with: rotated.keyPath)
        try replace(targets!.certificatePath, with: rotated.certificatePath)
        let fresh = try serial(of: rotated.certificatePath)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(try servedSerial(port, ca: base.ca), original, "no watch saw the targets change")

        kill(base.process.process.processIdentifier, SIGHUP)
        XCTAssertTrue(try Fixtures.waitUntil(seconds: 10) { try servedSerial(port, ca: base.ca) == fresh }, base.process.output)
        XCTAssertTrue(base.process.output.contains("\(live)/fullchain.pem, \(live)/privkey.pem loaded"), base.process.output)
        XCTAssertGreaterThanOrEqual(base.process.metric("tributary_plugin_mqtt_tls_reloads_total{instance=\"mqtt\"}") ?? 0, 1)
    }
}
