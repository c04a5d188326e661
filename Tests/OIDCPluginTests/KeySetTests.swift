import Foundation
import TestSupport
import XCTest

/// The provider's key set over time: a rotation noticed through an unknown `kid`, at most one
/// refetch per interval however many such tokens arrive, and an outage during which the cached
/// keys keep verifying while `/healthz` and the metrics say the provider is unreachable.
final class KeySetTests: XCTestCase {
    private func waitForFirstKeySet(_ host: OIDCTestHost) {
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.keySetFetches >= 1 }, "the key set is fetched at start")
    }

    func testARotatedKeyIsFetchedOnItsUnknownKid() throws {
        let host = try OIDCTestHost(label: "oidc-rotation", oidc: "unknown_kid_interval_seconds = 2")
        waitForFirstKeySet(host)
        let rotated = try host.token(alg: "RS256", ["key": "rsa2", "kid": "rsa2"])
        XCTAssertEqual(host.keySetFetches, 1)
        // Not published yet: the refetch finds no such key, and the token is refused.
        Thread.sleep(forTimeInterval: 2.1)
        XCTAssertFalse(try host.accepts(rotated))
        XCTAssertEqual(host.keySetFetches, 2, "one refetch for the unknown kid")
        // More unknown kids within the interval do not make the provider's endpoint a target.
        let unknown = try host.token(alg: "RS256", ["key": "rsa2", "kid": "rsa3"])
        for _ in 0..<5 { XCTAssertFalse(try host.accepts(unknown)) }
        XCTAssertEqual(host.keySetFetches, 2, "rate limited")

        try FileManager.default.removeItem(atPath: host.state + "/jwks.json")
        try FileManager.default.copyItem(atPath: host.keys + "/jwks-rotated.json", toPath: host.state + "/jwks.json")
        Thread.sleep(forTimeInterval: 2.1)
        XCTAssertTrue(try host.accepts(rotated), "the rotated key, fetched for this token")
        XCTAssertEqual(host.keySetFetches, 3)
        XCTAssertTrue(try host.accepts(try host.token(alg: "RS256")), "the old key still in the set")
    }

    func testAnOutageKeepsTheCachedKeysAndSaysSo() throws {
        let host = try OIDCTestHost(label: "oidc-outage", oidc: "unknown_kid_interval_seconds = 0\nmin_refresh_seconds = 1")
        waitForFirstKeySet(host)
        XCTAssertTrue(try host.accepts(try host.token(alg: "ES256")))
        XCTAssertEqual(host.health()["status"] as? String, "ok")

        FileManager.default.createFile(atPath: host.state + "/down", contents: Data())
        // An unknown kid makes the plugin fetch now, and the fetch fails.
        XCTAssertFalse(try host.accepts(try host.token(alg: "RS256", ["kid": "unknown"])))
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { host.health()["status"] as? String == "degraded" }, "\(host.health())")
        let health = host.health()
        let reason = health["reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("oidc: the provider is unreachable") && reason.contains("HTTP 503"), reason)
        let degraded = health["degraded"] as? [[String: Any]] ?? []
        XCTAssertEqual(degraded.first?["instance"] as? String, "oidc")
        XCTAssertEqual(host.process.metric("tributary_plugin_oidc_provider_degraded{instance=\"oidc\"}"), 1)
        XCTAssertGreaterThanOrEqual(host.process.metric("tributary_plugin_oidc_key_fetch_failures_total{instance=\"oidc\"}") ?? 0, 1)
        XCTAssertEqual(host.process.admin("/readyz")?.status, 200, "still ready: tokens still verify")

        for alg in ["RS256", "ES512", "EdDSA"] {
            XCTAssertTrue(try host.accepts(try host.token(sub: "manager", alg: alg)), "\(alg) with the cached keys while the provider is down")
        }

        try FileManager.default.removeItem(atPath: host.state + "/down")
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.health()["status"] as? String == "ok" }, "recovered: \(host.health())")
        XCTAssertEqual(host.process.metric("tributary_plugin_oidc_provider_degraded{instance=\"oidc\"}"), 0)
    }

    /// `jwks_file`: no request to the provider at all.
    func testAKeySetFileNeedsNoProvider() throws {
        let host = try OIDCTestHost(label: "oidc-offline", offline: true)
        XCTAssertTrue(try host.accepts(try host.token(alg: "EdDSA")))
        XCTAssertFalse(try host.accepts(try host.token(alg: "RS256", ["kid": "unknown"])))
        XCTAssertEqual(host.issuerRequests.count, 0)
    }

    /// A provider whose certificate the configured CA did not sign gives no keys: tokens are
    /// answered unavailable (503), not accepted and not refused, and /healthz says why.
    func testAnUntrustedProviderGivesNoKeys() throws {
        let host = try OIDCTestHost(label: "oidc-untrusted", oidc: "unknown_kid_interval_seconds = 0", trusted: false)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.health()["status"] as? String == "degraded" }, "\(host.health())")
        let reason = host.health()["reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("no signing keys"), reason)
        let answer = try host.command(bearer: try host.token(alg: "RS256"))
        XCTAssertEqual(answer.status, 503)
        XCTAssertFalse(answer.body.contains("NoRoute"), "not authorized: \(answer.body)")
        XCTAssertEqual(host.keySetFetches, 0, "the key set URL was never reached")
    }

    /// The key set is fetched again when its Cache-Control max-age runs out (held to
    /// min_refresh_seconds), without any token asking; and the drop-in's other rules apply:
    /// `token_type`, and `roles_claim` replacing Keycloak's paths.
    func testMaxAgeRefreshesTheKeysAndTheRulesOfTheDropIn() throws {
        let host = try OIDCTestHost(label: "oidc-maxage", oidc: "min_refresh_seconds = 1\ntoken_type = \"at+jwt\"\nroles_claim = \"groups\"", maxAge: 1)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.keySetFetches >= 3 }, "refetched every second: \(host.keySetFetches)")

        XCTAssertFalse(try host.accepts(try host.token(alg: "ES256")), "typ JWT where at+jwt is required")
        XCTAssertTrue(try host.accepts(try host.token(alg: "ES256", ["header": ["typ": "at+jwt"]])))
        XCTAssertTrue(try host.accepts(try host.token(alg: "ES256", ["header": ["typ": "application/AT+JWT"]])), "RFC 7515 4.1.9 spelling")
        let groups = try host.token(sub: "admin", ["groups": ["drogue-admin"]], alg: "ES256", ["header": ["typ": "at+jwt"]])
        XCTAssertEqual(try host.commandStatus(bearer: groups), 503, "the role from roles_claim")
        let keycloak = try host.token(sub: "admin", ["realm_access": ["roles": ["drogue-admin"]]], alg: "ES256", ["header": ["typ": "at+jwt"]])
        XCTAssertEqual(try host.commandStatus(bearer: keycloak), 404, "Keycloak's path no longer counts")
    }

    /// The CA file corrected on disk is picked up by the key fetcher's TLS client (no restart):
    /// the next fetch verifies the provider, the keys arrive, /healthz recovers.
    func testACorrectedCAFileIsPickedUpWithoutARestart() throws {
        let host = try OIDCTestHost(label: "oidc-ca-fixed", oidc: "unknown_kid_interval_seconds = 0\nmin_refresh_seconds = 1", trusted: false)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { host.health()["status"] as? String == "degraded" }, "\(host.health())")
        let temporary = host.caFile + ".new"
        try FileManager.default.copyItem(atPath: host.issuerCA, toPath: temporary)
        XCTAssertEqual(rename(temporary, host.caFile), 0)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 15) { host.health()["status"] as? String == "ok" }, "\(host.health())")
        XCTAssertTrue(try host.accepts(try host.token(alg: "ES256")))
        XCTAssertTrue(host.process.output.contains("key set client: \(host.caFile) loaded"), host.process.output)
        XCTAssertEqual(host.process.metric("tributary_plugin_oidc_tls_client_reloads_total{instance=\"oidc\"}"), 1)
    }
}
