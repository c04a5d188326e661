import XCTest

@testable import TributarySDK

final class PercentEncodingTests: XCTestCase {
    func testDrogueStyleNames() {
        XCTAssertEqual(PercentEncoding.encode("device-1"), "device%2D1")
        XCTAssertEqual(PercentEncoding.encode("my app/device 1"), "my%20app%2Fdevice%201")
        XCTAssertEqual(PercentEncoding.encode("a.b_c~d"), "a%2Eb%5Fc%7Ed")
    }

    func testUTF8IsEncodedBytewiseWithUppercaseHex() {
        XCTAssertEqual(PercentEncoding.encode("ä"), "%C3%A4")
        XCTAssertEqual(PercentEncoding.encode("😀"), "%F0%9F%98%80")
    }

    func testAlphanumericsAreKept() {
        let alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        XCTAssertEqual(PercentEncoding.encode(alphanumerics), alphanumerics)
        XCTAssertEqual(PercentEncoding.encode(""), "")
    }

    func testEveryByte() {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in UInt8.min...UInt8.max {
            var output: [UInt8] = []
            [byte].withUnsafeBytes { PercentEncoding.appendEncoded($0, to: &output) }
            let isAlphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isAlphanumeric {
                XCTAssertEqual(output, [byte])
            } else {
                XCTAssertEqual(output, [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], "byte \(byte)")
            }
        }
    }

    func testAppendEncodedAppends() {
        var output: [UInt8] = Array("drogue://".utf8)
        Array("app-1".utf8).withUnsafeBytes { PercentEncoding.appendEncoded($0, to: &output) }
        output.append(0x2F)
        Array("dev".utf8).withUnsafeBytes { PercentEncoding.appendEncoded($0, to: &output) }
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "drogue://app%2D1/dev")
    }
}

final class PercentDecodingTests: XCTestCase {
    func testDecodesEscapesAndRefusesMalformedOnes() {
        XCTAssertEqual(PercentEncoding.decode("device%2D1"), "device-1")
        XCTAssertEqual(PercentEncoding.decode("a%c3%a4b"), "aäb")
        XCTAssertEqual(PercentEncoding.decode("plain+text"), "plain+text")
        XCTAssertNil(PercentEncoding.decode("bad%2"))
        XCTAssertNil(PercentEncoding.decode("bad%zz"))
        XCTAssertNil(PercentEncoding.decode("%ff"), "not UTF-8")
    }
}
