import TributarySDK
import XCTest
@testable import OIDCJWTCore

/// A provider's JWK Set as the plugin takes it (bounded, odd entries skipped with a reason, no
/// set without a usable key), and the verified-token cache's bounds.
final class KeySetParsingTests: XCTestCase {
    private func parse(_ json: String, maxBytes: Int = 65536, maxKeys: Int = 64) throws(PositionedError) -> JSONWebKeySet {
        try JSONWebKeySet.parse(Array(json.utf8), maxBytes: maxBytes, maxKeys: maxKeys)
    }

    func testOddEntriesAreSkippedWithTheirReason() throws {
        let set = try parse("""
            {"keys": [\(SignatureVectorTests.a3Key),
              {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
              {"kty": "OKP", "kid": "x", "crv": "X25519", "x": "AAAA"},
              {"kty": "EC", "kid": "private", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
               "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}]}
            """)
        XCTAssertEqual(set.keys.count, 1)
        XCTAssertEqual(set.skipped.count, 3, "\(set.skipped)")
        XCTAssertTrue(set.skipped.contains { $0.contains("private member 'd'") }, "\(set.skipped)")
    }

    func testBoundsAndAnEmptySetAreErrors() {
        let one = "{\"keys\": [\(SignatureVectorTests.a3Key)]}"
        XCTAssertThrowsError(try parse(one, maxBytes: 64), "larger than max_jwks_bytes")
        XCTAssertThrowsError(try parse("{\"keys\": [\(SignatureVectorTests.a3Key), \(SignatureVectorTests.a3Key)]}", maxKeys: 1), "more than max_keys")
        XCTAssertThrowsError(try parse("{\"keys\": [{\"kty\": \"oct\", \"k\": \"c2VjcmV0\"}]}"), "no usable key")
        XCTAssertThrowsError(try parse("{\"keys\": [{\"kty\": \"RSA\", \"n\": \"AQAB\", \"e\": \"AQAB\"}]}"), "an RSA key under 2048 bits")
        XCTAssertThrowsError(try parse("{\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"AAAA\", \"y\": \"AAAA\"}]}"), "coordinates of the wrong size")
    }

    func testTheTokenCacheIsBoundedAndExpires() {
        let cache = VerifiedTokenCache(capacity: 2)
        let token = VerifiedToken(user: "u", roles: [], expiresAt: 100)
        let digests = (0..<3).map { VerifiedTokenCache.Digest(Array("token-\($0)".utf8)) }
        for digest in digests { cache.insert(digest, token, validUntil: 160) }
        XCTAssertNil(cache.lookup(digests[0], now: 50), "the oldest went when a third came")
        XCTAssertEqual(cache.lookup(digests[2], now: 50), token)
        XCTAssertNil(cache.lookup(digests[2], now: 160), "expired with exp + leeway")
        XCTAssertFalse(VerifiedTokenCache(capacity: 0).isEnabled)
    }
}
