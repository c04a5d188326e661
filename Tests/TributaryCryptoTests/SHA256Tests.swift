import TributaryCrypto
import XCTest

final class SHA256Tests: XCTestCase {
    func testKnownDigests() {
        XCTAssertEqual(Hex.encode(SHA256.digest("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(Hex.encode(SHA256.digest("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // What `printf %s alice-example-key | sha256sum` prints (the README's API-key recipe).
        XCTAssertEqual(Hex.encode(SHA256.digest(Array("alice-example-key".utf8))),
                       "f5b5f95affb8967c58544537a8f776fe51b4a00ca4917962547f7271bdd8b865")
    }

    func testHexRoundTripAndRefusals() {
        XCTAssertEqual(Hex.decode("00ffA0"), [0x00, 0xFF, 0xA0])
        XCTAssertEqual(Hex.encode([0x00, 0xFF, 0xA0]), "00ffa0")
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertEqual(Hex.decode(""), [])
    }
}
