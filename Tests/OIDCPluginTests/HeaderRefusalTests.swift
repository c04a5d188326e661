import Foundation
import TributarySDK
import XCTest
@testable import OIDCJWTCore

/// What a token's header alone must not get past (RFC 8725 section 2 and 3.1): refused before
/// any key is looked up, so no signature check is spent on it.
final class HeaderRefusalTests: XCTestCase {
    private func token(header: String, payload: String = #"{"iss":"https://issuer","sub":"a"}"#, signature: String = "c2ln") -> [UInt8] {
        Array((Self.base64URL(header) + "." + Self.base64URL(payload) + "." + signature).utf8)
    }

    private static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func refusal(_ token: [UInt8]) -> TokenRefusal? {
        do {
            _ = try CompactJWS(token)
            return nil
        } catch {
            return error
        }
    }

    func testUnsecuredAndSymmetricAlgorithmsAreRefused() {
        XCTAssertEqual(refusal(token(header: #"{"alg":"none"}"#)), .algorithmRefused("none"))
        // HS256 with the provider's public key as the secret is the classic confusion attack.
        XCTAssertEqual(refusal(token(header: #"{"alg":"HS256"}"#)), .algorithmRefused("HS256"))
        XCTAssertEqual(refusal(token(header: #"{"alg":"rs256"}"#)), .algorithmRefused("rs256"))
    }

    func testHeadersThatChooseTheirOwnKeyOrRulesAreRefused() {
        for name in ["jwk", "jku", "x5u", "x5c", "crit"] {
            XCTAssertEqual(refusal(token(header: #"{"alg":"RS256","\#(name)":"x"}"#)), .headerRefused(name), name)
        }
    }

    func testMalformedTokensAreRefused() {
        XCTAssertNotNil(refusal(Array("a.b".utf8)))
        XCTAssertNotNil(refusal(Array("a.b.c.d".utf8)))
        XCTAssertNotNil(refusal(token(header: #"{"alg":"RS256"}"#, signature: "")))
        XCTAssertNotNil(refusal(token(header: #"{"alg":"RS256"}"#, signature: "c2ln=")))
        XCTAssertNotNil(refusal(token(header: #"["RS256"]"#)))
        XCTAssertNotNil(refusal(token(header: #"{"alg":"RS256","kid":7}"#)))
        XCTAssertNil(refusal(token(header: #"{"alg":"RS256","kid":"k"}"#)))
    }

    func testATokenOverTheLimitIsRefusedUnread() {
        let rules = TokenRules(issuer: "https://issuer", audience: "a", rolePaths: [], maxTokenBytes: 256)
        let long = token(header: #"{"alg":"RS256"}"#, payload: String(repeating: "x", count: 400))
        guard case .failure(.tooLarge(256)) = TokenVerifier.verify(long, keys: JSONWebKeySet(keys: []), rules: rules, now: 0) else {
            return XCTFail("a long token was read")
        }
    }

    /// Another provider's token is deferred (`issuerRefused`) before any key is consulted.
    func testAnotherIssuersTokenIsRecognisedBeforeTheKeys() {
        let rules = TokenRules(issuer: "https://issuer", audience: "a", rolePaths: [])
        let other = token(header: #"{"alg":"RS256","kid":"unknown"}"#, payload: #"{"iss":"https://elsewhere"}"#)
        guard case .failure(.issuerRefused("https://elsewhere")) = TokenVerifier.verify(other, keys: JSONWebKeySet(keys: []), rules: rules, now: 0) else {
            return XCTFail("another issuer's token was not deferred")
        }
    }
}
