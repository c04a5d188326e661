import TributarySDK
import XCTest

/// The one `device@application` rule every adapter reads device user names by.
final class DeviceUsernameTests: XCTestCase {
    private func assertSplits(_ username: String, device: String, application: String, line: UInt = #line) {
        let name = DeviceUsername(username)
        XCTAssertEqual(name?.device, device, line: line)
        XCTAssertEqual(name?.application, application, line: line)
    }

    func testSplitsAtTheFirstAt() {
        assertSplits("device-1@app", device: "device-1", application: "app")
        assertSplits("device-1@app@more", device: "device-1", application: "app@more")
        XCTAssertNil(DeviceUsername("device-1"), "no @: not a device user name")
    }

    func testTheDevicePartIsPercentDecodedAndTheApplicationPartIsNot() {
        assertSplits("dev%40home@app", device: "dev@home", application: "app")
        assertSplits("%C3%A4%20x@my%20app", device: "ä x", application: "my%20app")
    }

    func testADevicePartThatDoesNotDecodeIsTakenAsWritten() {
        XCTAssertEqual(DeviceUsername("100%@app")?.device, "100%", "a malformed escape")
        XCTAssertEqual(DeviceUsername("%FF@app")?.device, "%FF", "not UTF-8")
    }
}
