import Dispatch
import Synchronization
import TestSupport
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// Issue #12 items 5 and 7, reproduced in-process: floods of wrong passwords are rationed per
/// device without costing hashes, the slow-hash queue stays bounded, credentials that verified
/// before are answered at once throughout, and an unknown device costs what a known one costs.
final class AuthenticationFloodTests: RegistryTestCase {
    override func setUpWithError() throws {
        try load([
            "applications": [Resource.application("app")],
            "devices": [
                Resource.device("plain-device", in: "app", credentials: [["pass": "plain-secret"]]),
                Resource.device("bcrypt-device", in: "app", credentials: [["pass": ["bcrypt": TestHashes.bcrypt("bcrypt-secret", cost: 10)]]]),
                Resource.device("other-bcrypt", in: "app", credentials: [["pass": ["bcrypt": TestHashes.bcrypt("other-secret", cost: 10)]]]),
                Resource.device("sha512-device", in: "app", credentials: [["pass": ["sha512": TestHashes.sha512Crypt("sha512-secret")]]]),
            ],
        ])
    }

    func testPlainPasswordGuessesAreRationedPerDeviceWhileAKnownSecretStillPasses() {
        XCTAssertEqual(registry.password("app", "plain-device", "plain-secret"), ok("app", "plain-device"))
        var answers: [Status: Int] = [:]
        for guess in 0..<2000 { answers[registry.password("app", "plain-device", "guess-\(guess)")?.status ?? .internalError, default: 0] += 1 }
        XCTAssertEqual(answers, [.unauthenticated: 10, .unavailable: 1990], "the default burst, then throttled")
        XCTAssertEqual(registry.metrics.throttled.value, 1990)
        XCTAssertEqual(registry.password("app", "plain-device", "plain-secret"), ok("app", "plain-device"), "verified before: not throttled")
        XCTAssertEqual(registry.password("app", "plain-device", "guess-2000")?.status, .unauthenticated, "a success gave a token back")
        XCTAssertEqual(registry.password("app", "plain-device", "guess-2001")?.status, .unavailable)
        XCTAssertEqual(registry.password("app", "sha512-device", "sha512-secret"), ok("app", "sha512-device"), "another device has its own budget")
    }

    func testABcryptFloodOverManyNamesStaysInABoundedQueueAndCachedLoginsNeverWait() {
        XCTAssertEqual(registry.password("app", "sha512-device", "sha512-secret"), ok("app", "sha512-device"))
        let answered = DispatchSemaphore(value: 0)
        let unavailable = Counter()
        // Every name is new, so no device budget holds them: only the queue's bound does.
        for attempt in 0..<2000 {
            let name = attempt.isMultiple(of: 2) ? "bcrypt-device" : "nobody-\(attempt)"
            let request = DeviceAuthRequest(application: "app", device: name, credential: .password("guess-\(attempt)"))
            let later: @Sendable (DeviceVerdict) -> Void = { verdict in
                if verdict.status == .unavailable { unavailable.add() }
                answered.signal()
            }
            if let now = registry.authenticateDevice(request, later: later) { later(now) }
            if attempt == 1000 {
                let cached = registry.authenticateDevice(
                    DeviceAuthRequest(application: "app", device: "sha512-device", credential: .password("sha512-secret")), later: { _ in })
                XCTAssertEqual(cached, ok("app", "sha512-device"), "answered at once, not queued behind the flood")
            }
        }
        for _ in 0..<2000 { XCTAssertEqual(answered.wait(timeout: .now() + 60), .success) }
        // bcrypt-device's budget admits 10 hashes; the unknown names are bounded by the queue
        // (2 workers x 16) plus what the workers took meanwhile.
        XCTAssertLessThan(registry.metrics.hashVerifications.value, 200)
        XCTAssertGreaterThan(unavailable.value, 1700)
        XCTAssertEqual(registry.metrics.standInVerifications.value, 1000)
    }

    func testAnUnknownDeviceIsVerifiedAgainstAStandInOfTheMostCommonKind() {
        XCTAssertEqual(registry.password("app", "nobody", "guess"), unauthenticated)
        XCTAssertEqual(registry.metrics.standInVerifications.value, 1)
        XCTAssertEqual(registry.metrics.hashVerifications.value, 1, "one bcrypt, as for a known bcrypt device with a wrong secret")
        XCTAssertEqual(registry.password("app", "bcrypt-device", "another guess"), unauthenticated)
        XCTAssertEqual(registry.metrics.hashVerifications.value, 2)
        XCTAssertEqual(registry.password("app", "nobody", "guess"), unauthenticated, "a repeated guess is cached, as for a known device")
        XCTAssertEqual(registry.metrics.hashVerifications.value, 2)
        XCTAssertEqual(registry.password("app", "nobody", "bcrypt-secret"), unauthenticated, "the stand-in's own secret admits nobody")
    }
}

private final class Counter: Sendable {
    private let count = Mutex<Int>(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
