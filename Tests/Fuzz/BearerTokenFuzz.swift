@testable import OIDCJWTCore
@testable import TributarySDK

/// libFuzzer target for what oidc-jwt reads from strangers: a bearer token (compact JWS: base64url,
/// the JOSE header, the claims) checked against a key set holding RSA, P-256 and Ed25519 keys, and
/// a JWK Set document as a provider could serve it. Nothing crashes; no input without a real
/// signature of those keys verifies.
private let keys: JSONWebKeySet = {
    let set = """
        {"keys":[
         {"kty":"RSA","kid":"rsa","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"},
         {"kty":"EC","kid":"ec","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
         {"kty":"OKP","kid":"ed","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}
        """
    return try! JSONWebKeySet.parse(Array(set.utf8), maxBytes: 65536, maxKeys: 64)
}()

private let rules = TokenRules(issuer: "joe", audience: "fuzz", rolePaths: TokenRules.keycloakRolePaths(client: "fuzz"))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBearerToken(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    guard let mode = bytes.first else { return 0 }
    let input = Array(bytes.dropFirst())
    if mode & 1 == 0 {
        if case .success = TokenVerifier.verify(input, keys: keys, rules: rules, now: 1_300_000_000) {
            preconditionFailure("a token verified without a signature of the fixed keys")
        }
    } else {
        _ = try? JSONWebKeySet.parse(input, maxBytes: 65536, maxKeys: 64)
    }
    return 0
}
