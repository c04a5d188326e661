import Foundation
import TestSupport
import XCTest

/// Reloading a changed `mqtt` drop-in restarts the adapter: its listeners stop, the new instance
/// starts with the new keys, and the old instance's connections are closed (clients reconnect),
/// not left open with nobody serving them.
final class ReloadTests: XCTestCase {
    func testAdapterReloadClosesOldConnections() throws {
        let host = try MQTTTestHost()
        let client = try host.startPython("""
            c = connected(DEVICE, "device-1@app", "secret", client_id="before-reload", will=("reload-will", '{"will": true}'))
            print("connected", flush=True)
            closed, seen = c.closed_after(15)
            report(closed=closed is not None)
            """)
        XCTAssertTrue(client.waitForOutput(containing: "connected", seconds: 5), client.output)
        let file = host.directory + "/conf/20-mqtt.conf"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try (text + "\nreceive_maximum = 50\n").write(toFile: file, atomically: true, encoding: .utf8)
        let reload = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "20", "-X", "POST", "http://127.0.0.1:\(host.host.adminPort)/reload"], seconds: 25)
        XCTAssertTrue(reload.output.contains("\"applied\":true"), reload.output)
        XCTAssertTrue(client.wait(seconds: 10).output.contains("\"closed\": true"), "the old connection was closed: \(client.output)")
        // The new instance bound port 0 again: only its own listeners are listed.
        let listeners = try host.host.listeners().filter { $0.instance == "mqtt" }
        XCTAssertEqual(listeners.map(\.label).sorted(), ["devices", "devices (TLS)", "integration", "integration (TLS)"])
        let after = try host.python("""
            c = Raw(\(try host.host.port("mqtt", "devices")), version=5)
            c.send(connect("after-reload", version=5, username="device-1@app", password="secret"))
            report(receive_maximum=c.expect(CONNACK)["props"].get(0x21))
            """)
        XCTAssertEqual(after.int("receive_maximum"), 50, "the new instance serves with the new keys")
        XCTAssertEqual(host.waitForEvents { $0["subject"] as? String == "reload-will" }.count, 1, "the old connection ended abnormally: its will")
    }
}
