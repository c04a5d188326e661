import Foundation
import TestSupport
import XCTest

/// Bearer tokens through the real host's command API: every algorithm from two signers, every
/// attack the issue lists, the claim checks, and authorization of the token's user by the
/// registry (admin anywhere, a member by its role, a stranger nowhere).
final class TokenVerificationTests: XCTestCase {
    nonisolated(unsafe) private static var shared: OIDCTestHost?
    private var host: OIDCTestHost { get throws { try XCTUnwrap(Self.shared, "the OIDC test host did not start") } }

    override class func setUp() { shared = try? OIDCTestHost(label: "oidc-tokens") }
    override class func tearDown() { shared = nil }

    func testEveryAlgorithmVerifiesFromBothSigners() throws {
        let host = try host
        for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] {
            // The JWKS binds kid `rsa` to RS256; the other RSA algorithms name the same key as
            // `rsa-any`, which has no alg, except PS512, which names no kid (found by key type).
            let spec: [String: Any] = switch alg {
            case "RS384", "RS512", "PS256", "PS384": ["kid": "rsa-any"]
            case "PS512": ["kid": NSNull()]
            default: [:]
            }
            for signer in ["openssl", "pyjwt"] {
                var withSigner = spec
                withSigner["signer"] = signer
                XCTAssertTrue(try host.accepts(try host.token(alg: alg, withSigner)), "\(alg) from \(signer)")
            }
        }
    }

    func testForgedAndConfusedTokensAreRefused() throws {
        let host = try host
        let refused: [(String, String, [String: Any])] = [
            ("alg none", "none", [:]),
            ("HS256 keyed with the RSA public key", "HS256", ["key": "rsa", "kid": "rsa"]),
            ("a changed payload", "RS256", ["tamper": true]),
            ("a changed ES256 payload", "ES256", ["tamper": true]),
            ("a key embedded in the header", "RS256", ["header": ["jwk": ["kty": "RSA", "n": "AQAB", "e": "AQAB"]]]),
            ("a key URL", "RS256", ["header": ["jku": "https://attacker.example/jwks.json"]]),
            ("a certificate URL", "RS256", ["header": ["x5u": "https://attacker.example/cert.pem"]]),
            ("a certificate chain", "RS256", ["header": ["x5c": ["MIIB"]]]),
            ("a critical extension", "RS256", ["header": ["crit": ["exp"], "exp": 1]]),
            ("an RSA token naming an EC key", "RS256", ["kid": "ec256"]),
            ("an EC token naming the RSA key", "ES256", ["key": "ec256", "kid": "rsa"]),
            ("RS384 on a key bound to RS256", "RS384", ["kid": "rsa"]),
            ("a key published for encryption (use enc)", "RS256", ["key": "enc", "kid": "enc"]),
            ("a key whose key_ops exclude verify", "RS256", ["key": "rsa", "kid": "noverify"]),
        ]
        for (what, alg, spec) in refused {
            XCTAssertFalse(try host.accepts(try host.token(alg: alg, spec)), what)
        }
        let oversized = try host.token(["padding": String(repeating: "x", count: 9000)])
        XCTAssertFalse(try host.accepts(oversized), "a token over max_token_bytes")
        XCTAssertGreaterThan(host.process.metric("tributary_plugin_oidc_tokens_refused_total{instance=\"oidc\"}") ?? 0, 10)
    }

    func testClaimsAreChecked() throws {
        let host = try host
        XCTAssertFalse(try host.accepts(try host.token(["exp": "now-120"])), "expired past the leeway")
        XCTAssertTrue(try host.accepts(try host.token(["exp": "now-10"])), "expired within the 60 s leeway")
        XCTAssertFalse(try host.accepts(try host.token(["exp": NSNull()])), "no exp")
        XCTAssertFalse(try host.accepts(try host.token(["nbf": "now+300"])), "not yet valid")
        XCTAssertFalse(try host.accepts(try host.token(["iat": "now+300"])), "issued in the future")
        XCTAssertFalse(try host.accepts(try host.token(["iss": "https://elsewhere.example/realms/test"])), "another issuer")
        XCTAssertFalse(try host.accepts(try host.token(["iss": host.issuerURL + "/"])), "the issuer compared exactly")
        XCTAssertFalse(try host.accepts(try host.token(["aud": "another-client"])), "another audience")
        XCTAssertTrue(try host.accepts(try host.token(["aud": ["account", "drogue"]])), "the audience among several")
        XCTAssertTrue(try host.accepts(try host.token(["aud": "account", "azp": "drogue"])), "azp names the audience")
        XCTAssertFalse(try host.accepts(try host.token(["sub": NSNull()])), "no subject")
    }

    func testTheRegistryAuthorizesTheTokensUser() throws {
        let host = try host
        let admin = try host.token(sub: "admin", ["realm_access": ["roles": ["drogue-admin"]]])
        XCTAssertEqual(try host.commandStatus(bearer: admin), 503, "drogue-admin may command app (no live route: 503)")
        XCTAssertEqual(try host.commandStatus(bearer: admin, application: "off-app"), 503, "and any other application")
        let clientRole = try host.token(sub: "admin2", ["resource_access": ["drogue": ["roles": ["drogue-admin"]]]])
        XCTAssertEqual(try host.commandStatus(bearer: clientRole), 503, "the role from resource_access.<client>.roles")
        XCTAssertEqual(try host.commandStatus(bearer: try host.token(sub: "owner")), 503, "the owner")
        XCTAssertEqual(try host.commandStatus(bearer: try host.token(sub: "manager")), 503, "a manager member")
        XCTAssertEqual(try host.commandStatus(bearer: try host.token(sub: "reader")), 404, "a reader may not command")
        XCTAssertEqual(try host.commandStatus(bearer: try host.token(sub: "stranger")), 404, "a stranger: the application stays hidden")
        let otherClient = try host.token(sub: "admin3", ["resource_access": ["other": ["roles": ["drogue-admin"]]]])
        XCTAssertEqual(try host.commandStatus(bearer: otherClient), 404, "another client's roles are not ours")
        XCTAssertEqual(try host.commandStatus(bearer: "not-a-token"), 401)
    }

    /// The same token again is answered from the verified-token cache, not by a signature check.
    func testARepeatedTokenIsAnsweredFromTheCache() throws {
        let host = try host
        let token = try host.token(sub: "owner", alg: "ES384")
        let hits = "tributary_plugin_oidc_token_cache_hits_total{instance=\"oidc\"}"
        XCTAssertTrue(try host.accepts(token))
        let before = host.process.metric(hits) ?? 0
        XCTAssertTrue(try host.accepts(token))
        XCTAssertTrue(try host.accepts(token))
        XCTAssertEqual((host.process.metric(hits) ?? 0) - before, 2)
    }

    /// API keys still go to registry-file: oidc-jwt leaves them alone.
    func testAPIKeysStillWork() throws {
        let host = try host
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-u", "owner:owner-key",
                                                        "http://127.0.0.1:\(host.applicationPort)/api/command/v1alpha1/apps/app/devices/device-1?command=c"])
        XCTAssertEqual(result.output, "503")
    }
}
