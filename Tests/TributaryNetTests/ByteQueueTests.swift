import XCTest

@testable import TributaryNet

/// The outbound buffer of every connection: bytes leave in the order they came, across chunk
/// boundaries and partial writes.
final class ByteQueueTests: XCTestCase {
    private func drain(_ queue: inout ByteQueue, step: Int) -> [UInt8] {
        var out: [UInt8] = []
        while !queue.isEmpty {
            let taken = queue.withFirstRun { run -> Int in
                let n = min(step, run.count)
                out.append(contentsOf: run[..<n])
                return n
            }
            XCTAssertGreaterThan(taken, 0)
            queue.consume(taken)
        }
        return out
    }

    func testBytesLeaveInOrderAcrossChunksAndPartialWrites() {
        var queue = ByteQueue()
        var expected: [UInt8] = []
        for round in 0..<3 {
            for size in [1, 1000, ByteQueue.chunkSize - 3, ByteQueue.chunkSize, 3 * ByteQueue.chunkSize + 17] {
                let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size &+ round) }
                bytes.withUnsafeBytes { queue.append($0) }
                expected += bytes
            }
            XCTAssertEqual(queue.count, expected.count)
            XCTAssertEqual(drain(&queue, step: 4093 + round), expected)
            XCTAssertEqual(queue.count, 0)
            expected.removeAll()
        }
    }

    func testInterleavedAppendsAndConsumes() {
        var queue = ByteQueue()
        var expected: [UInt8] = []
        var out: [UInt8] = []
        for n in 0..<2_000 {
            let bytes = [UInt8](repeating: UInt8(n % 251), count: (n * 97) % 3_000 + 1)
            bytes.withUnsafeBytes { queue.append($0) }
            expected += bytes
            if n % 3 == 0 {
                let taken = queue.withFirstRun { run -> Int in
                    let k = run.count / 2 + 1
                    out.append(contentsOf: run[..<k])
                    return k
                }
                queue.consume(taken)
            }
        }
        out += drain(&queue, step: 10_000)
        XCTAssertEqual(out, expected)
    }

    func testRemoveAllEmpties() {
        var queue = ByteQueue()
        [UInt8](repeating: 1, count: 200_000).withUnsafeBytes { queue.append($0) }
        queue.removeAll()
        XCTAssertTrue(queue.isEmpty)
        queue.withFirstRun { XCTAssertEqual($0.count, 0) }
        [UInt8](repeating: 2, count: 5).withUnsafeBytes { queue.append($0) }
        XCTAssertEqual(drain(&queue, step: 100), [2, 2, 2, 2, 2])
    }
}
