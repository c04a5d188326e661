import Dispatch
import XCTest
@testable import TributaryHost

/// The gate between late callers and a plugin instance being destroyed.
final class CallGateTests: XCTestCase {
    func testCloseTurnsLaterCallsAwayAndWaitsForTheOneInside() {
        let gate = CallGate()
        let inside = DispatchSemaphore(value: 0), letGo = DispatchSemaphore(value: 0)
        let left = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            gate.pass {
                inside.signal()
                letGo.wait()
            }
            left.signal()
        }
        inside.wait()
        XCTAssertFalse(gate.close(deadlineNanoseconds: monotonicNanoseconds() + 50_000_000), "a call is still inside")
        XCTAssertFalse(gate.pass {}, "closed: turned away")
        letGo.signal()
        left.wait()
        XCTAssertTrue(gate.close(deadlineNanoseconds: monotonicNanoseconds() + 1_000_000_000))
    }
}
