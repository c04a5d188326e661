import CoAPCodec
import XCTest

@testable import CoAPCore

/// Block1 reassembly in-process, on a clock the test moves: interleaved uploads, expiry after
/// the last block, the bound on uploads.
final class CoAPBlockAssemblerTests: XCTestCase {
    private let second: Int64 = 1_000_000_000

    private func block(_ number: UInt32, more: Bool = true) -> CoAPBlock { CoAPBlock(number: number, more: more, sizeExponent: 0) }
    private let sixteen = [UInt8](repeating: 7, count: 16)

    func testInterleavedUploadsExpireAfterTheirLastBlock() {
        let assembler = CoAPBlockAssembler(maxBodyBytes: 1024, maxUploads: 2, lifetimeMilliseconds: 10_000)
        guard case .needMore = assembler.add(block(0), payload: sixteen, key: "a", now: 0),
              case .needMore = assembler.add(block(0), payload: sixteen, key: "b", now: 1 * second),
              case .needMore = assembler.add(block(1), payload: sixteen, key: "a", now: 5 * second)
        else { return XCTFail("both uploads begin") }
        // Full: a third upload is refused while both live.
        guard case .tooLarge = assembler.add(block(0), payload: sixteen, key: "c", now: 6 * second) else { return XCTFail("bounded") }
        // b's last block was at 1 s: gone at 11 s; a's at 5 s: still there, and room for c.
        guard case .incomplete = assembler.add(block(1), payload: sixteen, key: "b", now: 11 * second) else { return XCTFail("b expired") }
        guard case .complete(let body) = assembler.add(block(2, more: false), payload: [1], key: "a", now: 11 * second)
        else { return XCTFail("a completes") }
        XCTAssertEqual(body, sixteen + sixteen + [1])
        guard case .needMore = assembler.add(block(0), payload: sixteen, key: "c", now: 11 * second) else { return XCTFail("room again") }
        // An upload touched again lives on from its latest block.
        guard case .needMore = assembler.add(block(1), payload: sixteen, key: "c", now: 20 * second),
              case .needMore = assembler.add(block(2), payload: sixteen, key: "c", now: 29 * second)
        else { return XCTFail("c continues") }
    }

    func testOutOfSequenceAndOversizeForgetTheUpload() {
        let assembler = CoAPBlockAssembler(maxBodyBytes: 40, maxUploads: 1, lifetimeMilliseconds: 10_000)
        _ = assembler.add(block(0), payload: sixteen, key: "a", now: 0)
        guard case .incomplete = assembler.add(block(2), payload: sixteen, key: "a", now: 0) else { return XCTFail("gap") }
        guard case .incomplete = assembler.add(block(1), payload: sixteen, key: "a", now: 0) else { return XCTFail("forgotten") }
        _ = assembler.add(block(0), payload: sixteen, key: "b", now: 0)
        _ = assembler.add(block(1), payload: sixteen, key: "b", now: 0)
        guard case .tooLarge = assembler.add(block(2), payload: sixteen, key: "b", now: 0) else { return XCTFail("over 40 bytes") }
        guard case .needMore = assembler.add(block(0), payload: sixteen, key: "c", now: 0) else { return XCTFail("the slot is free") }
    }
}
