import TributarySDK

/// One public key of a JWK Set (RFC 7517), with what it may be used for.
struct JSONWebKey: Sendable {
    let id: String?
    let key: VerificationKey
    /// The `alg` the key is bound to, if the set says.
    let algorithm: String?
    /// False when `use` or `key_ops` rule out verifying signatures (RFC 7517 sections 4.2, 4.3).
    let verifiesSignatures: Bool

    enum Outcome {
        case key(JSONWebKey)
        /// A key of a type this plugin does not verify with (`oct`, X25519, a private member):
        /// skipped, not an error, so one odd entry does not cost the provider's whole set.
        case skipped(String)
    }

    static func parse(_ field: JSONField) throws(PositionedError) -> Outcome {
        let kty = try field.required("kty").string()
        let id = try field.member("kid")?.string()
        let algorithm = try field.member("alg")?.string()
        // A private member published in a public set is someone's mistake; refuse to use it.
        for privateMember in ["d", "p", "q", "dp", "dq", "qi", "k"] where try field.member(privateMember) != nil {
            return .skipped("key \(id ?? "without kid") carries private member '\(privateMember)'")
        }
        var verifies = true
        if let use = try field.member("use")?.string(), use != "sig" { verifies = false }
        if let operations = try field.member("key_ops")?.stringArray(), !operations.contains("verify") { verifies = false }
        let kind: JWSAlgorithm.KeyKind
        let der: [UInt8]
        switch kty {
        case "RSA":
            kind = .rsa
            der = DEREncoding.rsaPublicKey(modulus: try bytes(field, "n"), exponent: try bytes(field, "e"))
        case "EC":
            let name = try field.required("crv").string()
            guard let curve = EllipticCurve(rawValue: name) else { return .skipped("key \(id ?? "without kid"): curve \(name) is not supported") }
            kind = .ec(curve)
            let x = try bytes(field, "x"), y = try bytes(field, "y")
            guard x.count == curve.coordinateBytes, y.count == curve.coordinateBytes else {
                throw field.fail("x and y must be \(curve.coordinateBytes) bytes for \(name)")
            }
            der = DEREncoding.ecPublicKey(curve: curve, x: x, y: y)
        case "OKP":
            let name = try field.required("crv").string()
            guard name == "Ed25519" else { return .skipped("key \(id ?? "without kid"): curve \(name) is not supported") }
            kind = .ed25519
            let x = try bytes(field, "x")
            guard x.count == 32 else { throw field.fail("an Ed25519 key is 32 bytes") }
            der = DEREncoding.ed25519PublicKey(x)
        default:
            return .skipped("key \(id ?? "without kid"): key type \(kty) is not supported")
        }
        guard let key = VerificationKey(subjectPublicKeyInfo: der, kind: kind) else {
            throw field.fail(kind == .rsa ? "not a valid RSA public key of at least \(VerificationKey.minimumRSABits) bits" : "not a valid public key")
        }
        return .key(JSONWebKey(id: id, key: key, algorithm: algorithm, verifiesSignatures: verifies))
    }

    /// Whether this key may check a signature made with `algorithm`: its type must match (an RSA
    /// key never checks ES256), its `alg`, if any, must be the token's, and its use must allow it.
    func accepts(_ algorithm: JWSAlgorithm) -> Bool {
        verifiesSignatures && key.kind == algorithm.keyKind && (self.algorithm == nil || self.algorithm == algorithm.rawValue)
    }

    private static func bytes(_ field: JSONField, _ member: String) throws(PositionedError) -> [UInt8] {
        let value = try field.required(member)
        guard let bytes = Base64.decodeURL(Array(try value.string().utf8)), !bytes.isEmpty else {
            throw value.fail("\(member) must be base64url without padding")
        }
        return bytes
    }
}
