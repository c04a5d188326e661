import TributarySDK
import XCTest

/// Full-jitter exponential backoff, as the host's sink retries and webhook-push use it.
final class RetryPolicyTests: XCTestCase {
    func testFullJitterStaysUnderTheExponentialCeilingAndTheCap() {
        let policy = RetryPolicy(baseMilliseconds: 100, capMilliseconds: 1_000, limit: 3)
        XCTAssertEqual(policy.delayMilliseconds(afterFailures: 1, random: { $0.upperBound }), 100)
        XCTAssertEqual(policy.delayMilliseconds(afterFailures: 3, random: { $0.upperBound }), 400)
        XCTAssertEqual(policy.delayMilliseconds(afterFailures: 60, random: { $0.upperBound }), 1_000)
        XCTAssertEqual(policy.delayMilliseconds(afterFailures: 2, random: { $0.lowerBound }), 0)
        for _ in 0..<200 { XCTAssertTrue((0...200).contains(policy.delayMilliseconds(afterFailures: 2))) }
    }

    func testTheLimitCountsRetriesAfterTheFirstAttempt() {
        let policy = RetryPolicy(baseMilliseconds: 100, capMilliseconds: 1_000, limit: 3)
        XCTAssertFalse(policy.givesUp(afterFailures: 3))
        XCTAssertTrue(policy.givesUp(afterFailures: 4), "3 retries after the first attempt")
        XCTAssertFalse(RetryPolicy(baseMilliseconds: 1, capMilliseconds: 1, limit: 0).givesUp(afterFailures: 1_000_000), "0: forever")
    }
}
