/// The JWS algorithms a token may be signed with (RFC 7518 section 3, RFC 8037 section 3.1):
/// public-key signatures only. `none` and the HMAC family are not here at all, so no key set can
/// make them acceptable (an HMAC "verified" with a public key is the classic confusion attack).
enum JWSAlgorithm: String, CaseIterable, Sendable {
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case edDSA = "EdDSA"

    enum KeyKind: Equatable, Sendable {
        case rsa
        case ec(EllipticCurve)
        case ed25519
    }

    var keyKind: KeyKind {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: .rsa
        case .es256: .ec(.p256)
        case .es384: .ec(.p384)
        case .es512: .ec(.p521)
        case .edDSA: .ed25519
        }
    }

    /// OpenSSL's digest name; nil for EdDSA, which hashes internally.
    var digest: String? {
        switch self {
        case .rs256, .ps256, .es256: "SHA256"
        case .rs384, .ps384, .es384: "SHA384"
        case .rs512, .ps512, .es512: "SHA512"
        case .edDSA: nil
        }
    }

    var isPSS: Bool { self == .ps256 || self == .ps384 || self == .ps512 }
}

/// The NIST curves JOSE names (RFC 7518 section 6.2.1.1).
enum EllipticCurve: String, Sendable {
    case p256 = "P-256", p384 = "P-384", p521 = "P-521"

    /// Bytes of one coordinate, and of r and s in a JWS signature (RFC 7518 section 3.4).
    var coordinateBytes: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }

    /// The curve's object identifier, DER-encoded without tag and length.
    var oid: [UInt8] {
        switch self {
        case .p256: [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]  // 1.2.840.10045.3.1.7
        case .p384: [0x2B, 0x81, 0x04, 0x00, 0x22]  // 1.3.132.0.34
        case .p521: [0x2B, 0x81, 0x04, 0x00, 0x23]  // 1.3.132.0.35
        }
    }
}
