import TributarySDK
import XCTest

final class ChannelNameTests: XCTestCase {
    func testValidNames() {
        for name in ["telemetry", "temp.c", "ä-channel", "..x", String(repeating: "a", count: 256)] {
            XCTAssertNil(ChannelName.problem(in: name), name)
        }
        XCTAssertNil(ChannelName.problem(in: "sensors/room-1/temp", allowingSlash: true))
    }

    func testRefusedNames() {
        let cases: [(String, Bool, ChannelName.Problem)] = [
            ("", false, .empty),
            (String(repeating: "ä", count: 129), false, .tooLong),
            ("tele\u{0}metry", false, .controlCharacter),
            ("tele\u{1B}metry", true, .controlCharacter),
            ("tele\u{85}metry", false, .controlCharacter),
            ("../../etc/passwd", false, .slash),
            ("../../etc/passwd", true, .dotLevel),
            ("a/./b", true, .dotLevel),
            ("..", false, .dotLevel),
        ]
        for (name, slash, problem) in cases {
            XCTAssertEqual(ChannelName.problem(in: name, allowingSlash: slash), problem, name.debugDescription)
        }
    }
}
