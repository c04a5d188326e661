import Dispatch
import TestSupport
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// Slow hashes run once per distinct credential; the cache is bounded and forgets on a file change.
final class CredentialCacheTests: RegistryTestCase {
    override func setUpWithError() throws {
        try load([
            "applications": [Resource.application("app")],
            "devices": [
                Resource.device("bcrypt-device", in: "app", credentials: [["pass": ["bcrypt": TestHashes.bcrypt("bcrypt-secret")]]]),
                Resource.device("sha512-device", in: "app", credentials: [["pass": ["sha512": TestHashes.sha512Crypt("sha512-secret")]]]),
            ],
        ])
    }

    func testBcryptIsHashedOnceAcross1000Authentications() {
        for _ in 0..<1000 {
            XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secret"), ok("app", "bcrypt-device"))
        }
        XCTAssertEqual(registry.metrics.hashVerifications.value, 1)
        XCTAssertEqual(registry.metrics.cacheHits.value, 999)
    }

    func testConcurrentFirstAuthenticationsWaitOnOneHash() {
        let verdicts = UnsafeMutableBufferPointer<DeviceVerdict?>.allocate(capacity: 1000)
        verdicts.initialize(repeating: nil)
        defer {
            verdicts.deinitialize()
            verdicts.deallocate()
        }
        nonisolated(unsafe) let results = verdicts
        let registry = registry!
        DispatchQueue.concurrentPerform(iterations: 1000) { index in
            results[index] = registry.password("app", "sha512-device", "sha512-secret")
        }
        XCTAssertTrue(verdicts.allSatisfy { $0 == ok("app", "sha512-device") })
        XCTAssertEqual(registry.metrics.hashVerifications.value, 1)
    }

    func testAWrongPasswordIsHashedOnceToo() {
        for _ in 0..<100 {
            XCTAssertEqual(registry.password("app", "bcrypt-device", "guess"), unauthenticated)
        }
        XCTAssertEqual(registry.metrics.hashVerifications.value, 1)
    }

    func testAChangedFileClearsTheCacheAndAnUnchangedOneKeepsIt() throws {
        XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secret"), ok("app", "bcrypt-device"))
        let text = try String(contentsOfFile: fixture.path, encoding: .utf8)
        try fixture.write(text: text)
        XCTAssertTrue(registry.reload())
        XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secret"), ok("app", "bcrypt-device"))
        XCTAssertEqual(registry.metrics.hashVerifications.value, 1, "same content: no swap, cache kept")
        XCTAssertEqual(registry.metrics.reloads.value, 0)

        try fixture.write(text: text + "\n")
        XCTAssertTrue(registry.reload())
        XCTAssertEqual(registry.metrics.reloads.value, 1)
        XCTAssertEqual(registry.password("app", "bcrypt-device", "bcrypt-secret"), ok("app", "bcrypt-device"))
        XCTAssertEqual(registry.metrics.hashVerifications.value, 2)
    }

    func testTheCacheIsBoundedAndKeepsWhatIsUsed() {
        let cache = CredentialCache(capacity: 4)
        let kept = CacheKey(hash: "$2b$04$kept", secret: "secret")
        cache.store(kept, verified: true)
        for index in 0..<100 {
            cache.store(CacheKey(hash: "$2b$04$other", secret: "secret \(index)"), verified: false)
            XCTAssertEqual(cache.lookup(kept), true)
            XCTAssertLessThanOrEqual(cache.count, 4)
        }
        XCTAssertNil(cache.lookup(CacheKey(hash: "$2b$04$other", secret: "secret 0")))
        cache.removeAll()
        XCTAssertNil(cache.lookup(kept))
    }

    func testAFullHashQueueAnswersBusy() {
        let workers = HashWorkers(count: 1, capacity: 0)
        defer { workers.stop() }
        let verifier = SecretVerifier(cache: CredentialCache(capacity: 10), workers: workers, metrics: RegistryMetrics(host: nil))
        let answer = Answer<Verification>()
        let immediate = verifier.verify("secret", against: [.crypt(TestHashes.bcrypt("secret"))], later: answer.later)
        XCTAssertNil(immediate)
        XCTAssertEqual(answer.wait(immediate: immediate), .busy)
    }

    func testKeysSeparateHashFromSecret() {
        XCTAssertNotEqual(CacheKey(hash: "ab", secret: "c"), CacheKey(hash: "a", secret: "bc"))
        XCTAssertEqual(CacheKey(hash: "ab", secret: "c"), CacheKey(hash: "ab", secret: "c"))
    }
}
