import TributarySDK
import XCTest

/// The one `device@application` rule every adapter reads device user names by.
final class DeviceUsernameTests: XCTestCase {
    func testSplitsAtTheFirstAt() {
        XCTAssertEqual(DeviceUsername("device-1@app"), DeviceUsername(device: "device-1", application: "app"))
        XCTAssertEqual(DeviceUsername("device-1@app@more"), DeviceUsername(device: "device-1", application: "app@more"))
        XCTAssertNil(DeviceUsername("device-1"), "no @: not a device user name")
    }

    func testTheDevicePartIsPercentDecodedAndTheApplicationPartIsNot() {
        XCTAssertEqual(DeviceUsername("dev%40home@app"), DeviceUsername(device: "dev@home", application: "app"))
        XCTAssertEqual(DeviceUsername("%C3%A4%20x@my%20app"), DeviceUsername(device: "ä x", application: "my%20app"))
    }

    func testADevicePartThatDoesNotDecodeIsTakenAsWritten() {
        XCTAssertEqual(DeviceUsername("100%@app")?.device, "100%", "a malformed escape")
        XCTAssertEqual(DeviceUsername("%FF@app")?.device, "%FF", "not UTF-8")
    }
}
