import Glibc
import XCTest
@testable import TributaryNet

final class PosixTests: XCTestCase {
    func testReadOnAnEmptyNonBlockingPipeWouldBlock() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        XCTAssertEqual(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0)
        defer { Posix.close(fds[0]); Posix.close(fds[1]) }
        var buffer = [UInt8](repeating: 0, count: 16)
        XCTAssertNil(try buffer.withUnsafeMutableBytes { try Posix.read(fds[0], into: $0) })
    }
}
