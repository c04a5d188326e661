import Foundation
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// What the file may hold, where its mistakes are reported, and the drop-in's keys.
final class RegistryLoadingTests: XCTestCase {
    private func loadError(_ text: String) -> String? {
        guard case .failure(let error) = RegistryLoader.load(bytes: Array(text.utf8)) else { return nil }
        return error.message
    }

    func testSyntaxErrorsNameLineAndColumn() {
        XCTAssertEqual(loadError("{\n  \"applications\": [\n    {\"metadata\": {\"name\": \"a\"},}\n  ]\n}"), "line 3 column 32: expected a string key")
        XCTAssertEqual(loadError("{\"applications\": [] \"devices\": []}"), "line 1 column 21: expected ',' or '}'")
        XCTAssertEqual(loadError("{\"users\": [{\"metadata\": {\"name\": \"bö\\x\"}}]}"), "line 1 column 37: invalid escape")
        XCTAssertEqual(loadError("{\"a\": 1, \"a\": 2}"), "line 1 column 10: duplicate key 'a'")
        XCTAssertEqual(loadError(""), "line 1 column 1: unexpected end of file")
        XCTAssertEqual(loadError("{} {}"), "line 1 column 4: unexpected content after the JSON value")
        XCTAssertEqual(loadError("[01]"), "line 1 column 3: expected ',' or ']'")
        XCTAssertEqual(loadError(String(repeating: "[", count: 100) + String(repeating: "]", count: 100)), "line 1 column 65: nesting deeper than 64 levels")
        guard case .failure(let error) = RegistryLoader.load(bytes: Array("{\"users\": \"".utf8) + [0xC3, 0x28, 0x22, 0x7D]) else { return XCTFail() }
        XCTAssertEqual(error.message, "line 1 column 12: invalid UTF-8")
    }

    func testContentErrorsNameTheirPathAndPosition() {
        let cases: [(String, String)] = [
            (#"{"applications": [{"metadata": {}}]}"#, "line 1 column 32: applications[0].metadata: 'name' is required"),
            (#"{"devices": [{"metadata": {"name": "d", "application": "nowhere"}}]}"#,
             "line 1 column 56: device 'd' names unknown application 'nowhere'"),
            (#"{"applications": [{"metadata": {"name": "a"}}], "devices": [{"metadata": {"name": "d", "application": "a"}, "spec": {"authentication": {"credentials": [{"pass": {"bcrypt": "$2b$10$notahash"}}]}}}]}"#,
             "line 1 column 173: devices[0].spec.authentication.credentials[0].pass.bcrypt: not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)"),
            (#"{"applications": [{"metadata": {"name": "a"}}], "devices": [{"metadata": {"name": "d", "application": "a"}, "spec": {"authentication": {"credentials": [{"token": "x"}]}}}]}"#,
             "line 1 column 154: devices[0].spec.authentication.credentials[0].token: unknown key (expected one of: cert, pass, psk, user)"),
            (#"{"applications": [{"metadata": {"name": "a", "members": {"u": {"role": "owner"}}}}]}"#,
             "line 1 column 72: applications[0].metadata.members.u.role: unknown role (expected admin, manager or reader)"),
            (#"{"applications": [{"metadata": {"name": "a"}, "spec": {"trustAnchors": {"anchors": [{"certificate": "bm90IGEgY2VydA=="}]}}}]}"#,
             "prefix:line 1 column 101: applications[0].spec.trustAnchors.anchors[0].certificate: not a DER certificate"),
            (#"{"applications": [{"metadata": {"name": "a"}}, {"metadata": {"name": "a"}}]}"#,
             "line 1 column 70: application 'a' is defined twice"),
            (#"{"users": [{"metadata": {"name": "u"}, "spec": {"apiKeys": [{"hash": "sha256:abc"}]}}]}"#,
             "line 1 column 70: users[0].spec.apiKeys[0].hash: expected sha256:<64 hex digits>, a bcrypt or a sha512-crypt hash"),
            (#"{"device": []}"#, "line 1 column 2: device: unknown key (expected one of: applications, devices, users)"),
        ]
        for (text, expected) in cases {
            let message = loadError(text) ?? "loaded"
            if expected.hasPrefix("prefix:") {
                XCTAssertTrue(message.hasPrefix(String(expected.dropFirst(7))), message)
            } else {
                XCTAssertEqual(message, expected)
            }
        }
    }

    func testAliasConflictsAreRefused() {
        let text = """
            {"applications": [{"metadata": {"name": "a"}}],
             "devices": [
               {"metadata": {"name": "d1", "application": "a"}, "spec": {"alias": ["shared"]}},
               {"metadata": {"name": "d2", "application": "a"}, "spec": {"alias": ["shared"]}}
             ]}
            """
        XCTAssertEqual(loadError(text), "line 4 column 72: 'shared' of device 'd2' is already a name or alias of device 'd1' in application 'a'")
        let unique = """
            {"applications": [{"metadata": {"name": "a"}}],
             "devices": [
               {"metadata": {"name": "d1", "application": "a"}},
               {"metadata": {"name": "d2", "application": "a"},
                "spec": {"authentication": {"credentials": [{"user": {"username": "d1", "password": "p", "unique": true}}]}}}
             ]}
            """
        XCTAssertEqual(loadError(unique), "line 5 column 71: 'd1' of device 'd2' is already a name or alias of device 'd1' in application 'a'")
        let sameNameOtherApplications = """
            {"applications": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}],
             "devices": [{"metadata": {"name": "d", "application": "a"}}, {"metadata": {"name": "d", "application": "b"}}]}
            """
        XCTAssertNil(loadError(sameNameOtherApplications))
    }

    func testErrorsNeverQuoteSecrets() {
        let text = #"{"applications": [{"metadata": {"name": "a"}}], "devices": [{"metadata": {"name": "d", "application": "a"}, "spec": {"authentication": {"credentials": [{"pass": {"sha512": "$6$salt$topsecretbutbroken"}}]}}}]}"#
        let message = loadError(text) ?? ""
        XCTAssertFalse(message.contains("topsecret"), message)
        XCTAssertTrue(message.contains("not a sha512-crypt hash"), message)
    }

    func testDrogueFieldsThisRegistryDoesNotReadAreAccepted() {
        let text = """
            {"applications": [{"metadata": {"name": "a", "uid": "1", "generation": 3, "labels": {"k": "v"}},
                               "spec": {"publish": {"rules": []}, "mqtt": {"dialect": {"type": "plainTopic"}}},
                               "status": {"conditions": []}}],
             "devices": [{"metadata": {"name": "d", "application": "a", "annotations": {"k": "v"}},
                          "spec": {"credentials": {"credentials": [{"pass": "legacy"}]}, "commands": [], "ttn": {}}}]}
            """
        guard case .success(let loaded) = RegistryLoader.load(bytes: Array(text.utf8)) else { return XCTFail("refused") }
        XCTAssertEqual(loaded.index.application("a")?.devices["d"]?.passwords.count, 1, "legacy spec.credentials.credentials")
    }

    func testDropInKeys() throws {
        let fixture = try RegistryFixture(["applications": [Resource.application("app")]])
        XCTAssertThrowsError(try fixture.instance([("cache", .integer(5))])) { error in
            XCTAssertEqual((error as? PluginError)?.message, "\(fixture.directory)/10-registry.conf: unknown key 'cache' for this plugin")
        }
        XCTAssertThrowsError(try fixture.instance([("hash_workers", .integer(0))]))
        XCTAssertThrowsError(try RegistryFileAuthenticator(config: PluginConfig(instanceName: "r", values: []), host: nil, log: fixture.logs.log)) { error in
            XCTAssertEqual((error as? PluginError)?.message, "<memory>: 'path' is required")
        }
        XCTAssertThrowsError(try RegistryFileAuthenticator(
            config: PluginConfig(instanceName: "r", values: [("path", .string(fixture.directory + "/missing.json"))]), host: nil, log: fixture.logs.log)) { error in
            XCTAssertEqual((error as? PluginError)?.message, "registry: \(fixture.directory)/missing.json: cannot open: No such file or directory")
        }
        let instance = try fixture.instance([("cache_size", .integer(100)), ("hash_workers", .integer(1))])
        instance.stop()
        XCTAssertEqual(fixture.logs.all, ["info: registry: \(fixture.path): 1 applications, 0 devices, 0 users"])
    }

    func testRelativePathsAreRelativeToTheDropInFile() {
        XCTAssertEqual(RegistryFileAuthenticator.resolve("registry.json", besides: "plugins.d/10-registry.conf"), "plugins.d/registry.json")
        XCTAssertEqual(RegistryFileAuthenticator.resolve("../data/r.json", besides: "/etc/tributary/10-registry.conf"), "/etc/tributary/../data/r.json")
        XCTAssertEqual(RegistryFileAuthenticator.resolve("/abs/r.json", besides: "/etc/tributary/10-registry.conf"), "/abs/r.json")
        XCTAssertEqual(RegistryFileAuthenticator.resolve("r.json", besides: "10-registry.conf"), "r.json")
    }

    /// plugins.d/ ships a working example; the README promises these credentials.
    func testTheShippedExampleWorks() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let config = PluginConfig(instanceName: "registry", file: root + "/plugins.d/10-registry.conf",
                                  values: [("path", .string("registry.json")), ("cache_size", .integer(10000)), ("hash_workers", .integer(2))])
        let registry = try RegistryFileAuthenticator(config: config, host: nil, log: LogRecorder().log)
        defer { registry.stop() }
        XCTAssertEqual(registry.password("example-app", "device1", "hey-rodney"), ok("example-app", "device1"))
        XCTAssertEqual(registry.password("example-app", "device2-alias", "hey-rodney"), ok("example-app", "device2"))
        XCTAssertEqual(registry.password("example-app", "gateway1", "gateway-secret", as: "sensor1"), ok("example-app", "gateway1", as: "sensor1"))
        XCTAssertEqual(registry.password("example-app", "device1", "hey-rodney", as: "sensor1"), denied)
        XCTAssertEqual(registry.verdict(UserAuthRequest(credential: .apiKey(username: "alice", key: "alice-example-key"))),
                       UserVerdict(status: .ok, user: "alice"))
        for (permission, status) in [(Permission.read, Status.ok), (.write, .ok), (.admin, .denied)] {
            XCTAssertEqual(registry.authorize(AuthorizeRequest(user: "alice", application: "example-app", permission: permission)), status)
        }
    }
}
