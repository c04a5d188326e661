import XCTest
@testable import TributaryHost

/// What `GET /listeners` serves: each instance's reports in order, as JSON, until it is destroyed.
final class ListenerDirectoryTests: XCTestCase {
    private final class Owner {}

    func testListsReportsInOrderAndForgetsAnInstanceWhenItGoes() {
        let directory = ListenerDirectory()
        let old = Owner(), new = Owner()
        directory.add(owner: ObjectIdentifier(old), .init(instance: "mqtt", label: "devices", address: "127.0.0.1:41234"))
        directory.add(owner: ObjectIdentifier(old), .init(instance: "mqtt", label: "devices (TLS)", address: "[::1]:41235"))
        directory.add(owner: ObjectIdentifier(new), .init(instance: "mqtt", label: "devices", address: "127.0.0.1:41236"))
        XCTAssertEqual(directory.all.map(\.address), ["127.0.0.1:41234", "[::1]:41235", "127.0.0.1:41236"])

        // A reload's old generation goes; the new one, of the same name, stays.
        directory.removeAll(owner: ObjectIdentifier(old))
        XCTAssertEqual(directory.json, "[{\"instance\":\"mqtt\",\"label\":\"devices\",\"address\":\"127.0.0.1:41236\"}]")
        directory.removeAll(owner: ObjectIdentifier(new))
        XCTAssertEqual(directory.json, "[]")
    }

    func testLabelsFromPluginsAreEscaped() {
        let directory = ListenerDirectory()
        let owner = Owner()
        directory.add(owner: ObjectIdentifier(owner), .init(instance: "x", label: "say \"hi\"\n", address: "0.0.0.0:1"))
        XCTAssertEqual(directory.json, "[{\"instance\":\"x\",\"label\":\"say \\\"hi\\\"\\n\",\"address\":\"0.0.0.0:1\"}]")
    }
}
