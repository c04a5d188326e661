import TestSupport
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// Every password form passing and failing, aliases, disabled devices and applications, gateways.
final class DeviceAuthenticationTests: RegistryTestCase {
    override func setUpWithError() throws {
        let past = "2020-01-01T00:00:00Z", future = "2099-01-01T00:00:00Z"
        try load([
            "applications": [
                Resource.application("app"),
                Resource.application("off-app", disabled: true),
            ],
            "devices": [
                Resource.device("device1", in: "app", credentials: [["pass": "hey-rodney"]], aliases: ["d1-alias"]),
                Resource.device("plain-object", in: "app", credentials: [["pass": ["plain": "plain-secret"]]]),
                Resource.device("bcrypt-device", in: "app", credentials: [["pass": ["bcrypt": TestHashes.bcrypt("bcrypt-secret")]]]),
                Resource.device("sha512-device", in: "app", credentials: [["pass": ["sha512": TestHashes.sha512Crypt("sha512-secret")]]]),
                Resource.device("wrong-hash-device", in: "app", credentials: [["pass": ["bcrypt": TestHashes.bcrypt("another-secret")]]]),
                Resource.device("user-device", in: "app", credentials: [
                    ["user": ["username": "sam", "password": "sam-secret"]],
                    ["user": ["username": "uniq", "password": ["bcrypt": TestHashes.bcrypt("uniq-secret")], "unique": true]],
                    ["pass": "user-device-pass"],
                ]),
                Resource.device("disabled-device", in: "app", credentials: [["pass": "secret"]], disabled: true),
                Resource.device("off-device", in: "off-app", credentials: [["pass": "secret"]]),
                Resource.device("gateway1", in: "app", credentials: [["pass": "gateway1-secret"]]),
                Resource.device("gateway2", in: "app", credentials: [["pass": "gateway2-secret"]]),
                Resource.device("sensor1", in: "app", aliases: ["sensor-alias"], gateways: ["gateway1"]),
                Resource.device("sensor-off", in: "app", gateways: ["gateway1"], disabled: true),
                Resource.device("psk-device", in: "app", credentials: [["psk": ["key": "c2VjcmV0LWtleQ==", "validity": ["notBefore": past, "notAfter": future]]]]),
                Resource.device("psk-expired", in: "app", credentials: [["psk": ["key": "c2VjcmV0LWtleQ==", "validity": ["notAfter": past]]]]),
                Resource.device("psk-rotated", in: "app", credentials: [
                    ["psk": ["key": "b2xkLWtleQ==", "validity": ["notAfter": past]]],
                    ["psk": ["key": "bmV3LWtleQ==", "validity": ["notBefore": past]]],
                ], aliases: ["rotated-alias"]),
                Resource.device("psk-disabled", in: "app", credentials: [["psk": ["key": "c2VjcmV0LWtleQ=="]]], disabled: true),
                Resource.device("no-credentials", in: "app"),
            ],
        ])
    }

    func testPlainPasswordsPassAndFail() {
        XCTAssertEqual(registry.password("app", "device1", "hey-rodney"), ok("app", "device1"))
        XCTAssertEqual(registry.password("app", "plain-object", "plain-secret"), ok("app", "plain-object"))
        XCTAssertEqual(registry.password("app", "device1", "hey-rodney!"), unauthenticated)
        XCTAssertEqual(registry.password("app", "device1", ""), unauthenticated)
        XCTAssertEqual(registry.password("app", "no-credentials", "anything"), unauthenticated)
    }

    func testBcryptAndSha512PassAndFail() {
        XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secret"), ok("app", "bcrypt-device"))
        XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secreT"), unauthenticated)
        XCTAssertEqual(registry.password("app", "sha512-device", "sha512-secret"), ok("app", "sha512-device"))
        XCTAssertEqual(registry.password("app", "sha512-device", "sha512-secre"), unauthenticated)
        XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secret\0trailing"), unauthenticated, "a NUL must not truncate the secret")
    }

    func testAHashOfAnotherPasswordFails() {
        XCTAssertEqual(registry.password("app", "wrong-hash-device", "bcrypt-secret"), unauthenticated)
        XCTAssertEqual(registry.password("app", "wrong-hash-device", "another-secret"), ok("app", "wrong-hash-device"))
    }

    func testUnknownDeviceIsUnauthenticatedAndUnknownApplicationIsDeferred() {
        XCTAssertEqual(registry.password("app", "nobody", "hey-rodney"), unauthenticated)
        XCTAssertEqual(registry.password("elsewhere", "device1", "hey-rodney"), deferred)
        XCTAssertEqual(registry.verdict(DeviceAuthRequest(application: "app", device: "device1", credential: .none)), unauthenticated)
        XCTAssertEqual(registry.verdict(DeviceAuthRequest(application: "elsewhere", device: "device1", credential: .none)), deferred)
    }

    func testAliasResolvesToTheCanonicalName() {
        XCTAssertEqual(registry.password("app", "d1-alias", "hey-rodney"), ok("app", "device1"))
        XCTAssertEqual(registry.password("app", "d1-alias", "wrong"), unauthenticated)
    }

    func testUsernamePasswordForms() {
        func user(_ device: String, _ username: String, _ password: String) -> DeviceVerdict? {
            registry.verdict(DeviceAuthRequest(application: "app", device: device, credential: .usernamePassword(username: username, password: password)))
        }
        XCTAssertEqual(user("user-device", "sam", "sam-secret"), ok("app", "user-device"))
        XCTAssertEqual(user("user-device", "sam", "uniq-secret"), unauthenticated)
        XCTAssertEqual(user("user-device", "uniq", "uniq-secret"), ok("app", "user-device"))
        // A unique user name is an alias of its device, so it also finds the device alone.
        XCTAssertEqual(user("", "uniq", "uniq-secret"), ok("app", "user-device"))
        XCTAssertEqual(user("", "sam", "sam-secret"), unauthenticated, "a non-unique user name is no alias")
        // Drogue: a `pass` entry matches when the user name is the device's name.
        XCTAssertEqual(user("user-device", "user-device", "user-device-pass"), ok("app", "user-device"))
        XCTAssertEqual(user("user-device", "someone", "user-device-pass"), unauthenticated)
        // Drogue: a password alone matches a unique user named as the client named the device.
        XCTAssertEqual(registry.password("app", "uniq", "uniq-secret"), ok("app", "user-device"))
        XCTAssertEqual(registry.password("app", "user-device", "sam-secret"), unauthenticated)
    }

    func testDisabledDeviceAndApplicationAreDeniedOnlyAfterTheCredentialChecksOut() {
        XCTAssertEqual(registry.password("app", "disabled-device", "secret"), denied)
        XCTAssertEqual(registry.password("app", "disabled-device", "wrong"), unauthenticated)
        XCTAssertEqual(registry.password("off-app", "off-device", "secret"), denied)
        XCTAssertEqual(registry.password("off-app", "off-device", "wrong"), unauthenticated)
    }

    func testGatewaysActOnlyForDevicesThatSelectThem() {
        XCTAssertEqual(registry.password("app", "gateway1", "gateway1-secret", as: "sensor1"), ok("app", "gateway1", as: "sensor1"))
        XCTAssertEqual(registry.password("app", "gateway1", "gateway1-secret", as: "sensor-alias"), ok("app", "gateway1", as: "sensor1"))
        XCTAssertEqual(registry.password("app", "gateway2", "gateway2-secret", as: "sensor1"), denied)
        XCTAssertEqual(registry.password("app", "gateway1", "gateway1-secret", as: "device1"), denied, "device1 selects no gateway")
        XCTAssertEqual(registry.password("app", "gateway1", "gateway1-secret", as: "nobody"), denied)
        XCTAssertEqual(registry.password("app", "gateway1", "gateway1-secret", as: "sensor-off"), denied)
        XCTAssertEqual(registry.password("app", "gateway1", "wrong", as: "sensor1"), unauthenticated)
        XCTAssertEqual(registry.password("app", "device1", "hey-rodney", as: "d1-alias"), ok("app", "device1", as: "device1"))
    }

    func testPreSharedKeyIdentities() {
        func psk(_ identity: String, application: String = "") -> DeviceVerdict? {
            registry.verdict(DeviceAuthRequest(application: application, device: "", credential: .pskIdentity(identity)))
        }
        XCTAssertEqual(psk("psk-device@app"), ok("app", "psk-device"))
        XCTAssertEqual(psk("psk-device", application: "app"), ok("app", "psk-device"))
        XCTAssertEqual(psk("psk-expired@app"), unauthenticated)
        XCTAssertEqual(psk("device1@app"), unauthenticated, "no psk credential")
        XCTAssertEqual(psk("nobody@app"), unauthenticated)
        XCTAssertEqual(psk("psk-device@elsewhere"), deferred)
    }

    func testPSKLookupsHandTheKeyValidNowToHandshakes() {
        func lookup(_ identity: String) -> PSKVerdict { registry.lookupPSK(PSKRequest(identity: identity)) }
        XCTAssertEqual(lookup("psk-device@app"), PSKVerdict(status: .ok, application: "app", device: "psk-device", key: Array("secret-key".utf8)))
        XCTAssertEqual(lookup("psk-rotated@app").key, Array("new-key".utf8), "the expired key is skipped")
        XCTAssertEqual(lookup("rotated-alias@app").device, "psk-rotated", "aliases resolve to the canonical name")
        XCTAssertEqual(lookup("psk-expired@app"), PSKVerdict(status: .unauthenticated))
        XCTAssertEqual(lookup("device1@app"), PSKVerdict(status: .unauthenticated), "no psk credential")
        XCTAssertEqual(lookup("psk-disabled@app"), PSKVerdict(status: .denied))
        XCTAssertEqual(lookup("psk-device@elsewhere"), PSKVerdict(status: .defer))
        XCTAssertEqual(lookup("psk-device"), PSKVerdict(status: .unauthenticated), "an identity names its application")
    }
}
