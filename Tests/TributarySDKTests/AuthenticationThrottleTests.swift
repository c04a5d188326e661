import Synchronization
import XCTest
@testable import TributarySDK

/// Issue #12 item 5: a source address guessing passwords is refused unasked past its failure
/// budget, so the attempts cost the authenticators nothing; other addresses are not held back.
final class AuthenticationThrottleTests: XCTestCase {
    private final class Recorder: Sendable {
        let asked = Atomic<Int>(0)
        let lines = Mutex<[String]>([])
    }

    private final class Clock: Sendable {
        let nanoseconds = Atomic<Int64>(0)
    }

    private func attempt(_ throttle: AuthenticationThrottle, from peer: String, verdict: Status, _ recorder: Recorder) -> Status {
        let answer = Mutex<Status?>(nil)
        let request = DeviceAuthRequest(application: "app", device: "dev", credential: .password("guess"))
        throttle.authenticate(request, from: peer, log: { line in recorder.lines.withLock { $0.append(line) } }) { _, done in
            recorder.asked.add(1, ordering: .relaxed)
            done(DeviceVerdict(status: verdict))
        } done: { verdict in answer.withLock { $0 = verdict.status } }
        return answer.withLock { $0 } ?? .internalError
    }

    func testAFloodFromOneAddressIsRefusedUnaskedAndEveryAttemptTold() {
        let clock = Clock()
        let throttle = AuthenticationThrottle(host: nil, metricPrefix: "test", now: { clock.nanoseconds.load(ordering: .relaxed) })
        let recorder = Recorder()
        var answers: [Status: Int] = [:]
        for port in 0..<2000 { answers[attempt(throttle, from: "127.0.0.1:\(10_000 + port)", verdict: .unauthenticated, recorder), default: 0] += 1 }
        XCTAssertEqual(answers, [.unauthenticated: AuthenticationThrottle.defaultBurst, .unavailable: 2000 - AuthenticationThrottle.defaultBurst])
        XCTAssertEqual(recorder.asked.load(ordering: .relaxed), AuthenticationThrottle.defaultBurst, "a throttled attempt asks nobody")
        let lines = recorder.lines.withLock { $0 }
        XCTAssertEqual(lines.count, 2000, "each failed or throttled attempt is told (the adapter's ClientFaultLog rate-limits the lines)")
        XCTAssertEqual(lines.first, "device authentication from 127.0.0.1 failed: unauthenticated (application 'app', device 'dev')")
        XCTAssertFalse(lines.contains { $0.contains("guess") }, "never the secret")

        XCTAssertEqual(attempt(throttle, from: "[::1]:4000", verdict: .ok, recorder), .ok, "another address has its own budget")
        clock.nanoseconds.store(1_000_000_000, ordering: .relaxed)
        XCTAssertEqual(attempt(throttle, from: "127.0.0.1:1", verdict: .ok, recorder), .ok, "refilled by one, and a success gives it back")
        XCTAssertEqual(attempt(throttle, from: "127.0.0.1:1", verdict: .ok, recorder), .ok)
        XCTAssertEqual(attempt(throttle, from: "127.0.0.1:1", verdict: .unauthenticated, recorder), .unauthenticated)
        XCTAssertEqual(attempt(throttle, from: "127.0.0.1:1", verdict: .ok, recorder), .unavailable, "spent again")
    }

    func testSourceAddressDropsThePort() {
        XCTAssertEqual(AuthenticationThrottle.sourceAddress("192.0.2.1:5000"), "192.0.2.1")
        XCTAssertEqual(AuthenticationThrottle.sourceAddress("[2001:db8::1]:5000"), "[2001:db8::1]")
        XCTAssertEqual(AuthenticationThrottle.sourceAddress("2001:db8::1"), "2001:db8::1")
    }

    func testBucketsStayBoundedWhateverKeysArrive() {
        let buckets = FailureBuckets(burst: 1, refillPerSecond: 0, maxKeys: 100, now: { 0 })
        for key in 0..<10_000 { XCTAssertTrue(buckets.take("k\(key)")) }
        XCTAssertLessThanOrEqual(buckets.count, 100)
    }
}
