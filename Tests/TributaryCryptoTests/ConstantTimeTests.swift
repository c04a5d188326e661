import XCTest
@testable import TributaryCrypto

final class ConstantTimeTests: XCTestCase {
    func testEqualsComparesContentAndLength() {
        XCTAssertTrue(ConstantTime.equals(Array("secret".utf8), Array("secret".utf8)))
        XCTAssertFalse(ConstantTime.equals(Array("secret".utf8), Array("secreT".utf8)))
        XCTAssertFalse(ConstantTime.equals(Array("secret".utf8), Array("secret!".utf8)))
        XCTAssertTrue(ConstantTime.equals([UInt8](), [UInt8]()))
    }
}
