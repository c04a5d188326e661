import TributarySDK
import XCTest

/// An adapter reuses an accepted authentication only for the same credentials, only until its
/// lifetime ends, and never a refusal.
final class DeviceVerdictCacheTests: XCTestCase {
    private let accepted = DeviceVerdict(status: .ok, application: "app", device: "device-1")
    private let second: Int64 = 1_000_000_000

    func testAnAcceptedVerdictIsReusedUntilItsLifetimeEnds() {
        let cache = DeviceVerdictCache<String>(capacity: 10, lifetimeMilliseconds: 1000)
        cache.keep(accepted, for: "Basic ZGV2aWNlLTFAYXBwOnNlY3JldA==", now: 0)
        XCTAssertEqual(cache.verdict(for: "Basic ZGV2aWNlLTFAYXBwOnNlY3JldA==", now: second / 2), accepted)
        XCTAssertNil(cache.verdict(for: "Basic ZGV2aWNlLTFAYXBwOm5vcGU=", now: second / 2), "other credentials")
        XCTAssertNil(cache.verdict(for: "Basic ZGV2aWNlLTFAYXBwOnNlY3JldA==", now: second), "expired")
        XCTAssertEqual(cache.count, 0)
    }

    func testRefusalsAreNeverKept() {
        let cache = DeviceVerdictCache<String>(capacity: 10, lifetimeMilliseconds: 1000)
        for status in [Status.unauthenticated, .denied, .unavailable, .notFound] {
            cache.keep(DeviceVerdict(status: status), for: "key", now: 0)
        }
        XCTAssertNil(cache.verdict(for: "key", now: 1))
    }

    func testBoundedAndOffWhenTheLifetimeIsZero() {
        let cache = DeviceVerdictCache<Int>(capacity: 3, lifetimeMilliseconds: 1000)
        for key in 0..<10 { cache.keep(accepted, for: key, now: Int64(key)) }
        XCTAssertLessThanOrEqual(cache.count, 3)
        XCTAssertNotNil(cache.verdict(for: 9, now: 10), "the newest is kept")
        let off = DeviceVerdictCache<Int>(capacity: 3, lifetimeMilliseconds: 0)
        off.keep(accepted, for: 1, now: 0)
        XCTAssertNil(off.verdict(for: 1, now: 0))
    }
}
