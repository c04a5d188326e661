import XCTest

@testable import TributarySDK

final class Base64Tests: XCTestCase {
    private func encoded(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        bytes.withUnsafeBytes { Base64.encode($0, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    func testRFC4648Vectors() {
        let vectors = [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, base64) in vectors {
            XCTAssertEqual(encoded(Array(plain.utf8)), base64, plain)
            XCTAssertEqual(Base64.decode(base64), Array(plain.utf8), base64)
        }
    }

    func testFullAlphabet() {
        let bytes: [UInt8] = [0x00, 0x10, 0x83, 0x10, 0x51, 0x87, 0x20, 0x92, 0x8B, 0x30, 0xD3, 0x8F,
                              0x41, 0x14, 0x93, 0x51, 0x55, 0x97, 0x61, 0x96, 0x9B, 0x71, 0xD7, 0x9F,
                              0x82, 0x18, 0xA3, 0x92, 0x59, 0xA7, 0xA2, 0x9A, 0xAB, 0xB2, 0xDB, 0xAF,
                              0xC3, 0x1C, 0xB3, 0xD3, 0x5D, 0xB7, 0xE3, 0x9E, 0xBB, 0xF3, 0xDF, 0xBF]
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        XCTAssertEqual(encoded(bytes), alphabet)
        XCTAssertEqual(Base64.decode(alphabet), bytes)
    }

    func testEncodeAppendsToExistingBuffer() {
        var output: [UInt8] = Array("x=".utf8)
        [UInt8]([0xFF, 0x00]).withUnsafeBytes { Base64.encode($0, into: &output) }
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "x=/wA=")
        Base64.encode(UnsafeRawBufferPointer(start: nil, count: 0), into: &output)
        XCTAssertEqual(output.count, 6)
    }

    func testMatchesFoundationForAllLengths() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
            XCTAssertEqual(encoded(bytes), expected)
            XCTAssertEqual(Base64.decode(expected), bytes)
        }
    }

    func testRejectsInvalidInput() {
        for text in [
            "Zg", "Zg=", "Z", "Z===", "====", "=Zg=", "Z=g=", "Zm9v\n", "Zm9v ", " Zm9v", "Zm 9v", "Zm9v\r\n",
            "Zm-_", "Zm9v_w==", "Zg==Zg==", "Zm9vY===", "Zm9vYg=", "ä", "Zm9v!", "Zm9\u{0}",
        ] {
            XCTAssertNil(Base64.decode(text), text.debugDescription)
        }
    }

    func testRejectsNonCanonicalPaddingBits() {
        XCTAssertEqual(Base64.decode("Zg=="), [0x66])
        XCTAssertNil(Base64.decode("Zh=="), "unused bits must be zero")
        XCTAssertEqual(Base64.decode("Zm8="), [0x66, 0x6F])
        XCTAssertNil(Base64.decode("Zm9="), "unused bits must be zero")
    }

    func testEmptyStringDecodesToEmptyBytes() {
        XCTAssertEqual(Base64.decode(""), [])
    }
}
