import XCTest
@testable import TributarySDK

final class UTF8ValidationTests: XCTestCase {
    private func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { UTF8Validation.isValid($0) } }

    func testAcceptsWellFormedText() {
        XCTAssertTrue(valid([]))
        XCTAssertTrue(valid(Array("plain ascii that is longer than eight bytes".utf8)))
        XCTAssertTrue(valid(Array("grüße 温度 🌡".utf8)))
        XCTAssertTrue(valid([0xF4, 0x8F, 0xBF, 0xBF]), "U+10FFFF")
    }

    func testRejectsMalformedSequences() {
        for bad: [UInt8] in [[0x80], [0xC0, 0xAF], [0xC2], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                             [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
                             Array("12345678".utf8) + [0xFF]] {
            XCTAssertFalse(valid(bad), "\(bad)")
        }
    }
}
