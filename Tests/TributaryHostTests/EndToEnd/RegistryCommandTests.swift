import Foundation
import TestSupport
import XCTest

/// `tributary registry` against a running host: what it adds works at once through the host's
/// watch (a device's hashed password over curl, a user's printed API key on the command API),
/// no clear-text secret is stored, and an edit the registry-file plugin refuses leaves the file
/// as it was.
final class RegistryCommandTests: XCTestCase {
    private func registry(_ dir: String, _ arguments: [String], input: String? = nil) throws -> Fixtures.Output {
        let base = [Fixtures.executable, "registry", "--config-dir", dir + "/conf", "--plugin-path", Fixtures.products]
        guard let input else { return try Fixtures.run(base[0], Array(base.dropFirst()) + arguments) }
        let quoted = (base + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try Fixtures.run("/bin/sh", ["-c", "printf '%s\\n' '\(input)' | \(quoted)"])
    }

    func testEditsReachTheRunningHostAndStoreNoSecret() throws {
        let dir = Fixtures.temporaryDirectory("registry-command")
        try #"{"applications": [], "devices": []}"#.write(toFile: dir + "/registry.json", atomically: true, encoding: .utf8)
        try writeDropIns(dir, [
            "10-registry.conf": "plugin = \"registry-file\"\npath = \"../registry.json\"\n",
            "20-http.conf": "plugin = \"http\"\ndevice_address = \"127.0.0.1:0\"\napplication_address = \"127.0.0.1:0\"\n",
            "30-sink.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/events.jsonl\"\n",
        ])
        let host = try HostProcess(directory: dir, extraArguments: ["--plugin-path", Fixtures.products])
        defer { _ = host.terminate() }
        try host.waitUntilReady()
        let devicePort = try host.port("http", "device API")
        let applicationPort = try host.port("http", "application API")

        XCTAssertEqual(try registry(dir, ["app", "add", "demo", "--owner", "alice"]).status, 0)
        let added = try registry(dir, ["device", "add", "demo", "sensor", "--password-stdin"], input: "s3cret-pass")
        XCTAssertEqual(added.status, 0, added.output)
        XCTAssertTrue(added.output.contains("device 'sensor' of 'demo' added (bcrypt password)"), added.output)
        let user = try registry(dir, ["user", "add", "alice"])
        XCTAssertEqual(user.status, 0, user.output)
        let key = try XCTUnwrap(user.output.split(separator: "\n").last?.split(separator: " ").last.map(String.init))

        let stored = try String(contentsOfFile: dir + "/registry.json", encoding: .utf8)
        XCTAssertFalse(stored.contains("s3cret-pass") || stored.contains(key), "no clear-text secret in the file")
        XCTAssertTrue(stored.contains("\"bcrypt\" : \"$2b$10$") && stored.contains("sha256:"), stored)

        // The host's watch picks the new version up: the device publishes, the user commands.
        let publish = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "sensor@demo:s3cret-pass", "-H", "Content-Type: application/json",
                       "--data", "{}", "http://127.0.0.1:\(devicePort)/v1/telemetry"]
        XCTAssertTrue(try Fixtures.waitUntil(seconds: 10) { try Fixtures.run("/usr/bin/curl", publish).output == "202" }, host.output)
        let command = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-u", "alice:\(key)",
                                                         "http://127.0.0.1:\(applicationPort)/api/command/v1alpha1/apps/demo/devices/sensor?command=x"])
        XCTAssertEqual(command.output, "503", "authenticated as the owner; no live route")

        // Refused by the plugin's validation (an unknown role): the file is untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/registry.json"))
        let refused = try registry(dir, ["app", "member", "demo", "bob", "superhero"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("unchanged") && refused.output.contains("unknown role"), refused.output)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/registry.json")), before)
        XCTAssertEqual(try registry(dir, ["device", "add", "nowhere", "x"]).output.trimmingCharacters(in: .whitespacesAndNewlines),
                       "tributary registry: no application 'nowhere'")
        XCTAssertEqual(try registry(dir, ["device", "remove", "demo", "sensor"]).status, 0)
        XCTAssertTrue(try Fixtures.waitUntil(seconds: 10) { try Fixtures.run("/usr/bin/curl", publish).output == "401" }, "removed")
    }
}
