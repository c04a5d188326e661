import XCTest
@testable import TributaryCrypto

final class SHA1Tests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    func testFIPS180Vectors() {
        XCTAssertEqual(hex(SHA1.digest(Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex(SHA1.digest([UInt8]())), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(
            hex(SHA1.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    func testAcceptsAnyByteCollection() {
        XCTAssertEqual(SHA1.digest("abc".utf8), SHA1.digest(Array("abc".utf8)))
        XCTAssertEqual(SHA1.digest(repeatElement(0x61, count: 1_000_000)).count, 20)
        XCTAssertEqual(hex(SHA1.digest(repeatElement(0x61, count: 1_000_000))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }
}
