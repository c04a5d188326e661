import CTributary
import TestSupport
import XCTest

/// The built library as the host sees it: loaded with dlopen, the entry symbol, on_instance_new
/// with drop-in keys, the hooks' immediate answers and completions, metrics through the host table.
final class PluginABITests: XCTestCase {
    private var fixture: RegistryFixture!
    private var plugin: CPlugin!
    private var instance: trib_type_instance_plugin_ptr!

    override func setUpWithError() throws {
        FakeHost.reset()
        fixture = try RegistryFixture([
            "applications": [Resource.application("app", owner: "olivia", members: ["alice": "reader"])],
            "devices": [
                Resource.device("device1", in: "app", credentials: [["pass": "hey-rodney"]], aliases: ["d1-alias"]),
                Resource.device("bcrypt-device", in: "app", credentials: [["pass": ["bcrypt": TestHashes.bcrypt("bcrypt-secret")]]]),
            ],
            "users": [Resource.user("alice", keys: [Resource.sha256Key("alice-key")], roles: ["drogue-user"])],
        ])
        plugin = try CPlugin(library: Fixtures.products + "/libtributary-registry-file.so")
        instance = try plugin.instance(file: fixture.directory + "/10-registry.conf", [("path", .string("registry.json")), ("hash_workers", .integer(1))])
    }

    override func tearDown() {
        if let instance { plugin.destroy(instance) }
        fixture = nil
    }

    func testDescriptorIsAnAuthenticator() {
        XCTAssertEqual(plugin.descriptor.pointee.kind, TRIB_KIND_AUTHENTICATOR.rawValue)
        XCTAssertEqual(String(cString: plugin.descriptor.pointee.name), "registry-file")
        XCTAssertNotNil(plugin.descriptor.pointee.authenticator.pointee.on_authenticate_device)
    }

    func testCanonicalNamesAnswerAtOnceAndAliasesComplete() {
        let canonical = DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "app", device: "device1", password: "hey-rodney")
        XCTAssertEqual(plugin.authenticate(instance, op: 1, canonical), Int32(TRIB_OK))
        XCTAssertNil(FakeHost.deviceCompletion(1))

        let alias = DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "app", device: "d1-alias", password: "hey-rodney")
        XCTAssertEqual(plugin.authenticate(instance, op: 2, alias), Int32(TRIB_PENDING))
        XCTAssertEqual(FakeHost.deviceCompletion(2), .init(status: Int32(TRIB_OK), application: "app", device: "device1", asDevice: ""))

        let wrong = DeviceRequest(kind: TRIB_CREDENTIAL_USERNAME_PASSWORD, application: "app", device: "device1", username: "device1", password: "nope")
        XCTAssertEqual(plugin.authenticate(instance, op: 3, wrong), Int32(TRIB_ERR_UNAUTHENTICATED))
        let elsewhere = DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "elsewhere", device: "device1", password: "hey-rodney")
        XCTAssertEqual(plugin.authenticate(instance, op: 4, elsewhere), Int32(TRIB_DEFER))
    }

    func testSlowHashesCompleteFromAWorkerThenFromTheCache() {
        let request = DeviceRequest(kind: TRIB_CREDENTIAL_PASSWORD, application: "app", device: "bcrypt-device", password: "bcrypt-secret")
        XCTAssertEqual(plugin.authenticate(instance, op: 10, request), Int32(TRIB_PENDING))
        XCTAssertEqual(FakeHost.waitForDeviceCompletion(10)?.status, Int32(TRIB_OK))
        XCTAssertEqual(plugin.authenticate(instance, op: 11, request), Int32(TRIB_OK))
        XCTAssertEqual(FakeHost.metric("registry_file_hash_verifications_total"), 1)
        XCTAssertEqual(FakeHost.metric("registry_file_cache_hits_total"), 1)
    }

    func testUsersCompleteWithNameAndRolesAndAuthorizationAnswersAtOnce() {
        XCTAssertEqual(plugin.authenticateUser(instance, op: 20, username: "alice", key: "alice-key"), Int32(TRIB_PENDING))
        XCTAssertEqual(FakeHost.userCompletion(20), .init(status: Int32(TRIB_OK), user: "alice", roles: ["drogue-user"]))
        XCTAssertEqual(plugin.authenticateUser(instance, op: 21, username: "alice", key: "wrong"), Int32(TRIB_ERR_UNAUTHENTICATED))
        XCTAssertEqual(plugin.authenticateUser(instance, op: 22, username: "bob", key: "alice-key"), Int32(TRIB_DEFER))
        XCTAssertEqual(plugin.authorize(instance, op: 23, user: "alice", application: "app", permission: TRIB_PERMISSION_READ), Int32(TRIB_OK))
        XCTAssertEqual(plugin.authorize(instance, op: 24, user: "alice", application: "app", permission: TRIB_PERMISSION_WRITE), Int32(TRIB_ERR_DENIED))
        XCTAssertEqual(plugin.authorize(instance, op: 25, user: "alice", application: "other", permission: TRIB_PERMISSION_READ), Int32(TRIB_DEFER))
    }

    func testConfigurationErrorsReachTheHostWithTheirReason() {
        XCTAssertThrowsError(try plugin.instance(file: fixture.directory + "/10-registry.conf", [("path", .string("registry.json")), ("colour", .string("red"))])) { error in
            XCTAssertEqual((error as? CPlugin.Failure)?.status, Int32(TRIB_ERR_CONFIG))
            XCTAssertEqual((error as? CPlugin.Failure)?.description, "\(fixture.directory)/10-registry.conf: unknown key 'colour' for this plugin")
        }
        try? fixture.write(text: "{\"applications\": [}")
        XCTAssertThrowsError(try plugin.instance(file: fixture.directory + "/10-registry.conf", [("path", .string("registry.json"))])) { error in
            XCTAssertEqual((error as? CPlugin.Failure)?.description, "registry: \(fixture.path): line 1 column 19: unexpected character '}'")
        }
    }

    func testLoadIsLoggedThroughTheHost() {
        XCTAssertEqual(FakeHost.logs, ["2 registry: \(fixture.path): 1 applications, 2 devices, 1 users"])
    }
}
