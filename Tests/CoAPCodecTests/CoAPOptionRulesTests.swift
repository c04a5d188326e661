import XCTest

@testable import CoAPCodec

/// Option classes, the options a server must refuse (4.02), and block values (RFC 7959).
final class CoAPOptionRulesTests: XCTestCase {
    private func request(_ options: [CoAPOption]) -> CoAPMessage {
        CoAPMessage(type: .confirmable, code: .post, messageID: 1, options: options)
    }

    func testOptionNumberClasses() {
        XCTAssertTrue(CoAPOptionNumber.uriPath.isCritical)
        XCTAssertFalse(CoAPOptionNumber.contentFormat.isCritical)
        XCTAssertTrue(CoAPOptionNumber.uriHost.isUnsafe)
        XCTAssertTrue(CoAPOptionNumber.size1.isNoCacheKey)
        XCTAssertFalse(CoAPOptionNumber.uriPath.isNoCacheKey)
    }

    func testUnacceptableCriticalOptions() {
        XCTAssertNil(request([CoAPOption(.uriPath, string: "v1"), CoAPOption(.uriPath, string: "x"),
                              CoAPOption(.authorization, string: "Basic x")]).unacceptableCriticalOption())
        // An unknown critical option, unless the caller knows it.
        let unknown = request([CoAPOption(CoAPOptionNumber(9), [1])])
        XCTAssertEqual(unknown.unacceptableCriticalOption()?.number, CoAPOptionNumber(9))
        XCTAssertNil(unknown.unacceptableCriticalOption(known: [CoAPOptionNumber(9)]))
        // Unknown elective options are ignored.
        XCTAssertNil(request([CoAPOption(CoAPOptionNumber(2044), [1])]).unacceptableCriticalOption())
        // A known critical option with a length outside its range, or repeated.
        XCTAssertEqual(request([CoAPOption(.uriHost, [])]).unacceptableCriticalOption()?.number, .uriHost)
        XCTAssertEqual(request([CoAPOption(.block1, [1, 2, 3, 4])]).unacceptableCriticalOption()?.number, .block1)
        XCTAssertEqual(request([CoAPOption(.uriPort, uint: 1), CoAPOption(.uriPort, uint: 2)]).unacceptableCriticalOption()?.number, .uriPort)
        XCTAssertNil(request([CoAPOption(.contentFormat, [1, 2, 3])]).unacceptableCriticalOption(), "elective: ignored, not refused")
    }

    func testBlockValues() throws {
        let first = try XCTUnwrap(CoAPBlock(optionValue: []))
        XCTAssertEqual(first, CoAPBlock(number: 0, more: false, sizeExponent: 0))
        XCTAssertEqual(first.size, 16)
        let middle = try XCTUnwrap(CoAPBlock(optionValue: [0x1E]))
        XCTAssertEqual(middle, CoAPBlock(number: 1, more: true, sizeExponent: 6))
        XCTAssertEqual(middle.size, 1024)
        XCTAssertEqual(middle.offset, 1024)
        let last = CoAPBlock(number: CoAPBlock.maximumNumber, more: false, sizeExponent: 2)
        XCTAssertEqual(CoAPBlock(optionValue: last.option(.block2).value), last)
        XCTAssertEqual(last.option(.block2).value.count, 3)
        XCTAssertNil(CoAPBlock(optionValue: [0x07]), "SZX 7 is reserved")
        XCTAssertNil(CoAPBlock(optionValue: [0, 0, 0, 0]), "at most three bytes")
        XCTAssertEqual(CoAPBlock.sizeExponent(fitting: 1024), 6)
        XCTAssertEqual(CoAPBlock.sizeExponent(fitting: 1000), 5)
        XCTAssertEqual(CoAPBlock.sizeExponent(fitting: 10), 0)

        let message = request([CoAPOption(.block1, [0x07]), CoAPBlock(number: 3, more: false, sizeExponent: 4).option(.block2)])
        XCTAssertEqual(message.block1, .some(nil), "present but invalid")
        XCTAssertEqual(message.block2, CoAPBlock(number: 3, more: false, sizeExponent: 4))
        XCTAssertTrue(request([]).block1 == nil, "absent")
    }
}
