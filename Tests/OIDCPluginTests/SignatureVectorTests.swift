import TributarySDK
import XCTest
@testable import OIDCJWTCore

/// The published examples: RFC 7515 Appendix A.2 (RS256), A.3 (ES256), A.4 (ES512) and RFC 8037
/// Appendix A.4 (Ed25519), each verified through the same path a bearer token takes (compact
/// JWS, the JWK's public members, the key's signature check), and each refused once one byte of
/// the signed input or the signature changes.
final class SignatureVectorTests: XCTestCase {
    /// `{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}`.
    static let joePayload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"

    static let a2Key = """
        {"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}
        """
    static let a2Token = "eyJhbGciOiJSUzI1NiJ9.\(joePayload)."
        + "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"

    static let a3Key = """
        {"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
        """
    static let a3Token = "eyJhbGciOiJFUzI1NiJ9.\(joePayload).DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

    static let a4Key = """
        {"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"}
        """
    static let a4Token = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA."
        + "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn"

    static let rfc8037Key = #"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#
    static let rfc8037Token = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
        + "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    func testRFC7515A2RS256() throws {
        try assertVector(Self.a2Token, key: Self.a2Key, algorithm: .rs256, payload: nil)
    }

    func testRFC7515A3ES256() throws {
        try assertVector(Self.a3Token, key: Self.a3Key, algorithm: .es256, payload: nil)
    }

    func testRFC7515A4ES512() throws {
        try assertVector(Self.a4Token, key: Self.a4Key, algorithm: .es512, payload: "Payload")
    }

    func testRFC8037A4Ed25519() throws {
        try assertVector(Self.rfc8037Token, key: Self.rfc8037Key, algorithm: .edDSA, payload: "Example of Ed25519 signing")
    }

    /// A.2's key checks only RS256: the same RSA key refuses PS256 over the same bytes, and the
    /// P-256 key of A.3 is not even offered for an RSA token.
    func testAKeyChecksOnlyItsOwnFamily() throws {
        let rsa = try Self.key(Self.a2Key)
        let ec = try Self.key(Self.a3Key)
        let jws = try CompactJWS(Array(Self.a2Token.utf8))
        let set = JSONWebKeySet(keys: [ec])
        guard case .unusable = set.lookup(id: nil, algorithm: .rs256) else { return XCTFail("an EC key was offered for RS256") }
        XCTAssertFalse(jws.signingInput.withUnsafeBytes { rsa.key.verify($0, signature: jws.signature, algorithm: .ps256) })
    }

    private func assertVector(_ token: String, key json: String, algorithm: JWSAlgorithm, payload: String?,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        let key = try Self.key(json)
        let jws = try CompactJWS(Array(token.utf8))
        XCTAssertEqual(jws.algorithm, algorithm, file: file, line: line)
        if let payload { XCTAssertEqual(String(decoding: jws.payload, as: UTF8.self), payload, file: file, line: line) }
        XCTAssertTrue(key.accepts(algorithm), file: file, line: line)
        XCTAssertTrue(jws.signingInput.withUnsafeBytes { key.key.verify($0, signature: jws.signature, algorithm: algorithm) },
                      "the published signature does not verify", file: file, line: line)

        var signature = jws.signature
        signature[signature.count / 2] ^= 0x01
        XCTAssertFalse(jws.signingInput.withUnsafeBytes { key.key.verify($0, signature: signature, algorithm: algorithm) },
                       "a changed signature verifies", file: file, line: line)
        var input = Array(jws.signingInput)
        input[input.count - 1] ^= 0x01
        XCTAssertFalse(input.withUnsafeBytes { key.key.verify($0, signature: jws.signature, algorithm: algorithm) },
                       "a changed payload verifies", file: file, line: line)
        XCTAssertFalse(jws.signingInput.withUnsafeBytes { key.key.verify($0, signature: Array(jws.signature.dropLast()), algorithm: algorithm) },
                       "a shortened signature verifies", file: file, line: line)
    }

    static func key(_ json: String) throws -> JSONWebKey {
        let field = JSONField(node: try PositionedJSONParser.parse(Array(json.utf8)), path: "")
        guard case .key(let key) = try JSONWebKey.parse(field) else { throw XCTSkip("the key was skipped") }
        return key
    }
}
