import TributarySDK
import XCTest
@testable import RegistryFileCore

/// ABI 1.2 properties: `spec` sections of the device acted for and of its application, as the
/// registry file holds them, for adapters that ask; never credentials.
final class RegistryPropertiesTests: XCTestCase {
    func testTheDeviceActedForAndItsApplicationAnswerTheirSpecSections() throws {
        let fixture = try RegistryFixture([:])
        try fixture.write(text: """
            {"applications": [{"metadata": {"name": "app"}, "spec": {"ttn": {"api": {"url": "https://eu1.example/devices", "apiKey": "K"}}}}],
             "devices": [
               {"metadata": {"name": "gw", "application": "app"}, "spec": {"ttn": {"payload": "full"},
                "authentication": {"credentials": [{"pass": "gw-secret"}]}}},
               {"metadata": {"name": "node", "application": "app"},
                "spec": {"gatewaySelector": {"matchNames": ["gw"]}, "ttn": { "payload" : "raw" }, "lorawan": {"ports": {"1": {"data_schema": "s"}}}}}
             ]}
            """)
        let registry = try fixture.instance()
        let names = ["device:ttn", "device:lorawan", "application:ttn", "device:credentials", "device:authentication", "device:none", "other"]
        func properties(as asDevice: String) throws -> [String] {
            let verdict = try XCTUnwrap(registry.verdict(DeviceAuthRequest(
                application: "app", device: "gw", asDevice: asDevice, credential: .password("gw-secret"), properties: names)))
            XCTAssertEqual(verdict.status, .ok)
            return verdict.properties.map { String(decoding: $0, as: UTF8.self) }
        }
        XCTAssertEqual(try properties(as: "node"), [
            "{ \"payload\" : \"raw\" }", "{\"ports\": {\"1\": {\"data_schema\": \"s\"}}}",
            "{\"api\": {\"url\": \"https://eu1.example/devices\", \"apiKey\": \"K\"}}", "", "", "", "",
        ], "the text as the file holds it; the acted-for device's; credentials never")
        XCTAssertEqual(try properties(as: "")[0], "{\"payload\": \"full\"}", "without `as`, the device's own")
        let refused = try XCTUnwrap(registry.verdict(DeviceAuthRequest(
            application: "app", device: "gw", credential: .password("wrong"), properties: names)))
        XCTAssertEqual(refused.properties, [], "a refusal carries none")
    }
}
