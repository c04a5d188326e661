import XCTest
@testable import RegistryFileCore

/// Hashes as the README's recipes make them verify; malformed ones are refused at load.
final class PasswordHashTests: XCTestCase {
    private func verifies(_ hash: String, _ password: String) -> Bool {
        guard case .crypt(let stored)? = PasswordHash.bcrypt(hash) ?? PasswordHash.sha512Crypt(hash) else { return false }
        return PasswordHash.cryptMatches(password, hash: stored)
    }

    func testRecipesFromTheREADME() {
        // mkpasswd -m bcrypt -R 10 gateway-secret
        XCTAssertTrue(verifies("$2b$10$YQGwpTm7IkAMhuj4WzkPyuOTDFisYdLvwp7r5hXcb93KvWDKxRaNK", "gateway-secret"))
        // htpasswd -bnBC 10 "" gateway-secret | tr -d ':\n'
        XCTAssertTrue(verifies("$2y$10$H6Vlb9ufPX0Wbd0DI2wfi.zGjbTzqG/THmqp80PLVegy/ljeKXjle", "gateway-secret"))
        // python3 -c 'import bcrypt ...' gateway-secret (Debian's python3-bcrypt)
        XCTAssertTrue(verifies("$2b$10$1ovHzKzU.e0EgCVX7ESf0.0OOEiJk5jkhUavhcuaOcrOoNKdglA82", "gateway-secret"))
        // openssl passwd -6 hey-rodney
        XCTAssertTrue(verifies("$6$2Dunf9YOGUfY7qid$xF.RAj3nKac7ppWQzgYy9SO8/Z9b1jaNwTGs/Qp2G41phrkBYd9W1onLBPlHX6ld9DTuRSIh1FlGlvjbSpBSt.", "hey-rodney"))
        XCTAssertFalse(verifies("$6$2Dunf9YOGUfY7qid$xF.RAj3nKac7ppWQzgYy9SO8/Z9b1jaNwTGs/Qp2G41phrkBYd9W1onLBPlHX6ld9DTuRSIh1FlGlvjbSpBSt.", "hey-rodney "))
        // crypt_blowfish's $2a$ test vector.
        XCTAssertTrue(verifies("$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U"))
    }

    func testMalformedHashesAreRefused() {
        XCTAssertNil(PasswordHash.bcrypt("$2b$10$short"))
        XCTAssertNil(PasswordHash.bcrypt("$2x$10$YQGwpTm7IkAMhuj4WzkPyuOTDFisYdLvwp7r5hXcb93KvWDKxRaNK"))
        XCTAssertNil(PasswordHash.bcrypt("$2b$99$YQGwpTm7IkAMhuj4WzkPyuOTDFisYdLvwp7r5hXcb93KvWDKxRaNK"))
        XCTAssertNil(PasswordHash.sha512Crypt("$6$salt$tooshort"))
        XCTAssertNil(PasswordHash.sha512Crypt("$5$2Dunf9YOGUfY7qid$xF.RAj3nKac7ppWQzgYy9SO8/Z9b1jaNwTGs/Qp2G41phrkBYd9W1onLBPlHX6ld9DTuRSIh1FlGlvjbSpBSt."))
        XCTAssertNotNil(PasswordHash.sha512Crypt("$6$rounds=10000$2Dunf9YOGUfY7qid$xF.RAj3nKac7ppWQzgYy9SO8/Z9b1jaNwTGs/Qp2G41phrkBYd9W1onLBPlHX6ld9DTuRSIh1FlGlvjbSpBSt."))
        XCTAssertNil(PasswordHash.apiKey("sha256:" + String(repeating: "0", count: 63)))
        XCTAssertNil(PasswordHash.apiKey("plain-key"))
        XCTAssertEqual(PasswordHash.apiKey("sha256:" + String(repeating: "A", count: 64)), .digest([UInt8](repeating: 0xAA, count: 32)))
    }
}
