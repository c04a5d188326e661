import XCTest
@testable import HTTP1Codec

final class HTTPDecoderLimitsTests: XCTestCase {
    func testDefaults() {
        let limits = HTTPDecoderLimits()
        XCTAssertEqual(limits.maxTargetBytes, 8192)
        XCTAssertEqual(limits.maxHeaderBytes, 16384)
        XCTAssertEqual(limits.maxHeaderCount, 100)
        XCTAssertEqual(limits.maxBodyBytes, 1 << 20)
        XCTAssertEqual(limits.maxChunkLineBytes, 1024)
        XCTAssertEqual(HTTPRequestDecoder().limits, limits)
    }
}
