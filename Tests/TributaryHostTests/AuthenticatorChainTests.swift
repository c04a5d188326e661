import CTributary
import TributarySDK
import TestSupport
import XCTest
@testable import TributaryHost

/// The authenticator chain: drop-in order, defer passes on, all-defer denies, completions from
/// other threads.
final class AuthenticatorChainTests: XCTestCase {
    private var state = ""
    private var runtime: HostRuntime!
    private var adapter: InstanceRecord!
    private let api = HostAPITable.pointer.pointee

    override func setUpWithError() throws {
        state = Fixtures.temporaryDirectory("auth")
        runtime = HostRuntime(settings: Fixtures.settings(stateDirectory: state))
        let library = try Fixtures.fixture("fixture_authenticator")
        let errors = runtime.startAll([
            try Fixtures.instance("""
                plugin = "\(library)"
                devices = ["app1/device1/secret"]
                users = ["alice/alice-key"]
                grants = ["alice/app1/write"]
                """, file: "10-first.conf"),
            try Fixtures.instance("""
                plugin = "\(library)"
                devices = ["app2/device1/other", "app2/gw1/gwsecret", "app2/sensor/x"]
                users = ["bob/bob-key"]
                grants = ["bob/app2/read"]
                async = true
                """, file: "20-second.conf"),
            try Fixtures.instance("""
                plugin = "\(library)"
                devices = ["app3/device1/third"]
                users = ["carol/carol-key"]
                inline_answers = true
                defer_unknown = true
                """, file: "30-inline.conf"),
        ])
        XCTAssertEqual(errors.map(\.description), [])
        adapter = InstanceRecord(name: "adapter", kind: .adapter, services: runtime.services)
    }

    override func tearDown() { runtime.stopAll() }

    private func device(_ application: String, _ device: String, _ password: String, as asDevice: String = "") -> String {
        let (status, answer) = authenticate(application, device, password, as: asDevice)
        XCTAssertEqual(status, Int32(TRIB_PENDING))
        return answer
    }

    /// A password authentication asking for `properties`: the immediate status, and the verdict.
    private func authenticate(_ application: String, _ device: String, _ password: String, as asDevice: String = "",
                              properties names: [String] = []) -> (status: Int32, answer: String) {
        let recorder = Recorder()
        let status = withPluginBuffers([application, device, asDevice, password] + names) { b in
            Array(b.dropFirst(4)).withUnsafeBufferPointer { properties in
                var request = trib_type_plugin_device_auth_request()
                request.struct_size = UInt32(MemoryLayout<trib_type_plugin_device_auth_request>.size)
                request.credential_kind = TRIB_CREDENTIAL_PASSWORD.rawValue
                request.application = b[0]
                request.device = b[1]
                request.as_device = b[2]
                request.password = b[3]
                request.properties = properties.baseAddress
                request.property_count = properties.count
                return api.authenticate_device(adapter.handle, &request, recordDeviceAuth, recorder.context)
            }
        }
        return (status, status == TRIB_PENDING ? recorder.wait(for: 1).first ?? "no answer" : "")
    }

    func testPropertiesAskedOfAnAuthenticatorWithoutThemComeBackEmpty() {
        func ask(_ names: [String]) -> (status: Int32, answer: String) { authenticate("app1", "device1", "secret", properties: names) }
        XCTAssertEqual(ask(["device:ttn", "application:ttn"]).answer, "ok app1/device1/ [][]",
                       "one value per name, empty: the fixture answers as a 1.1 authenticator")
        XCTAssertEqual(ask((0..<17).map { "device:p\($0)" }).status, Int32(TRIB_ERR_INVALID), "at most 16")
        XCTAssertEqual(ask([String(repeating: "x", count: 65)]).status, Int32(TRIB_ERR_INVALID), "names of 64 bytes at most")
    }

    private func user(_ name: String, _ key: String) -> String {
        let recorder = Recorder()
        withPluginBuffers([name, key]) { b in
            var request = trib_type_plugin_user_auth_request(struct_size: UInt32(MemoryLayout<trib_type_plugin_user_auth_request>.size),
                                                      credential_kind: TRIB_CREDENTIAL_API_KEY.rawValue, username: b[0], password: b[1])
            XCTAssertEqual(api.authenticate_user(adapter.handle, &request, recordUserAuth, recorder.context), Int32(TRIB_PENDING))
        }
        return recorder.wait(for: 1).first ?? "no answer"
    }

    private func authorize(_ name: String, _ application: String, _ permission: trib_type_permission) -> String {
        let recorder = Recorder()
        withPluginBuffers([name, application]) { b in
            var request = trib_type_plugin_authorize_request(struct_size: UInt32(MemoryLayout<trib_type_plugin_authorize_request>.size),
                                                      permission: permission.rawValue, user: b[0], roles: nil, role_count: 0,
                                                      application: b[1])
            XCTAssertEqual(api.authorize(adapter.handle, &request, recordAuthorize, recorder.context), Int32(TRIB_PENDING))
        }
        return recorder.wait(for: 1).first ?? "no answer"
    }

    private func psk(_ identity: String) -> String {
        let recorder = Recorder()
        withPluginBuffers([identity]) { b in
            var request = trib_type_plugin_psk_request(struct_size: UInt32(MemoryLayout<trib_type_plugin_psk_request>.size), identity: b[0])
            XCTAssertEqual(api.lookup_psk(adapter.handle, &request, recordPSK, recorder.context), Int32(TRIB_PENDING))
        }
        return recorder.wait(for: 1).first ?? "no answer"
    }

    func testPSKLookupsWalkTheChainAndCarryTheKeyOnlyWhenAllowed() {
        XCTAssertEqual(psk("device1@app1"), "ok app1/device1 key=secret")
        XCTAssertEqual(psk("device1@app2"), "ok app2/device1 key=other", "the first deferred, the second (async) answered")
        XCTAssertEqual(psk("ghost@app1"), "unauthenticated / key=")
        XCTAssertEqual(psk("device1@nobody-knows"), "unauthenticated / key=", "all defer")
        XCTAssertEqual(psk("no-at-sign"), "unauthenticated / key=")
    }

    func testTheFirstAuthenticatorThatKnowsTheApplicationAnswers() {
        XCTAssertEqual(device("app1", "device1", "secret"), "ok app1/device1/")
        XCTAssertEqual(device("app1", "device1", "wrong"), "unauthenticated app1/device1/")
        XCTAssertEqual(device("app2", "device1", "other"), "ok app2/device1/", "the first deferred, the second (async) answered")
        XCTAssertEqual(device("app2", "device1", "secret"), "unauthenticated app2/device1/")
    }

    func testWhenEveryAuthenticatorDefersTheDeviceIsDenied() {
        XCTAssertEqual(device("nobody-knows", "device1", "secret"), "unauthenticated nobody-knows/device1/")
        XCTAssertEqual(runtime.services.registry.authenticationRefused.value, 1)
    }

    func testGatewaysActingForOtherDevices() {
        XCTAssertEqual(device("app2", "gw1", "gwsecret", as: "sensor"), "ok app2/gw1/sensor")
        XCTAssertEqual(device("app2", "device1", "other", as: "sensor"), "denied app2/device1/sensor")
    }

    func testUsersAndAuthorization() {
        XCTAssertEqual(user("alice", "alice-key"), "ok alice")
        XCTAssertEqual(user("bob", "bob-key"), "ok bob")
        XCTAssertEqual(user("bob", "nope"), "unauthenticated ")
        XCTAssertEqual(user("mallory", "x"), "unauthenticated ", "all defer")
        XCTAssertEqual(authorize("alice", "app1", TRIB_PERMISSION_WRITE), "ok")
        XCTAssertEqual(authorize("alice", "app1", TRIB_PERMISSION_ADMIN), "denied")
        XCTAssertEqual(authorize("bob", "app2", TRIB_PERMISSION_READ), "denied", "the first authenticator denies before the second is asked")
    }

    func testAnAnswerGivenAtOnceCarriesTheRequestsNames() {
        XCTAssertEqual(device("app3", "device1", "third"), "ok app3/device1/")
        XCTAssertEqual(user("carol", "carol-key"), "ok carol", "the user asked about, not an empty name")
        XCTAssertEqual(user("carol", "wrong"), "unauthenticated ")
    }

    func testAStoppingHostAnswersUnavailableNotUnauthenticated() {
        runtime.stopAll()
        XCTAssertEqual(device("app1", "device1", "secret"), "unavailable app1/device1/",
                       "nobody can answer now: the device should retry, not be told its credential is wrong")
        XCTAssertEqual(psk("device1@app1"), "unavailable / key=")
    }

    func testWithoutAuthenticatorsEverythingIsDenied() {
        let empty = HostServices(normalizer: EventNormalizer())
        adapter = InstanceRecord(name: "lonely", kind: .adapter, services: empty)
        XCTAssertEqual(device("app1", "device1", "secret"), "unauthenticated app1/device1/")
        XCTAssertEqual(authorize("alice", "app1", TRIB_PERMISSION_READ), "denied")
    }
}
