@testable import TributaryHost
import XCTest

final class RedactionTests: XCTestCase {
    func testURLUserinfoIsHiddenWherePresentAndOnlyThere() {
        XCTAssertEqual(Redaction.redact("'url': http://user:pa55word@hooks.example/x: credentials in the URL"),
                       "'url': http://***@hooks.example/x: credentials in the URL")
        XCTAssertEqual(Redaction.redact("a https://x@h and a mailto:not@url, b ws://h/p@q"), "a https://***@h and a mailto:not@url, b ws://h/p@q")
        XCTAssertEqual(Redaction.redact("no url here"), "no url here")
    }

    func testConfiguredSecretsAreHiddenEverywhereTheyAppear() {
        Redaction.register(secret: "tok-3f9a-secret")
        Redaction.register(secret: "abc")
        XCTAssertEqual(Redaction.redact("refused token 'tok-3f9a-secret' (tok-3f9a-secret)"), "refused token '***' (***)")
        XCTAssertEqual(Redaction.redact("abc"), "abc", "shorter than the minimum: not registered")
        Redaction.registerSecrets(inValue: "http://svc:urlpass99@h/")
        XCTAssertEqual(Redaction.redact("login urlpass99 failed"), "login *** failed", "a URL's password is hidden even alone")
    }
}
