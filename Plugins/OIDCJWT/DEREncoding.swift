/// The few DER structures a JSON Web Key becomes for OpenSSL: a SubjectPublicKeyInfo (RFC 5280
/// section 4.1, with RFC 3279, RFC 5480 and RFC 8410 for the key inside) that `d2i_PUBKEY`
/// reads, and the ECDSA-Sig-Value that OpenSSL verifies where JOSE sends raw r||s. Writing DER
/// here keeps one code path for every key type across OpenSSL versions, and `d2i_PUBKEY` still
/// does the checking (an EC point must lie on its curve).
enum DEREncoding {
    private static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    private static let ecPublicKey: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    private static let ed25519: [UInt8] = [0x2B, 0x65, 0x70]

    static func rsaPublicKey(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        let key = sequence(integer(modulus) + integer(exponent))
        return subjectPublicKeyInfo(algorithm: object(rsaEncryption) + [0x05, 0x00], key: key)
    }

    /// `x` and `y` are the fixed-length coordinates the JWK carries.
    static func ecPublicKey(curve: EllipticCurve, x: [UInt8], y: [UInt8]) -> [UInt8] {
        subjectPublicKeyInfo(algorithm: object(ecPublicKey) + object(curve.oid), key: [0x04] + x + y)
    }

    static func ed25519PublicKey(_ key: [UInt8]) -> [UInt8] {
        subjectPublicKeyInfo(algorithm: object(ed25519), key: key)
    }

    /// JOSE's r||s (RFC 7518 section 3.4) as DER; nil unless both halves have the curve's length.
    static func ecdsaSignature(raw: [UInt8], curve: EllipticCurve) -> [UInt8]? {
        guard raw.count == 2 * curve.coordinateBytes else { return nil }
        let half = curve.coordinateBytes
        return sequence(integer(Array(raw[..<half])) + integer(Array(raw[half...])))
    }

    private static func subjectPublicKeyInfo(algorithm: [UInt8], key: [UInt8]) -> [UInt8] {
        sequence(sequence(algorithm) + element(0x03, [0x00] + key))
    }

    private static func object(_ oid: [UInt8]) -> [UInt8] { element(0x06, oid) }

    private static func sequence(_ content: [UInt8]) -> [UInt8] { element(0x30, content) }

    /// A non-negative INTEGER from big-endian magnitude bytes: minimal, with a zero byte in front
    /// when the high bit is set.
    private static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if bytes.isEmpty || bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return element(0x02, bytes)
    }

    private static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    private static func length(_ count: Int) -> [UInt8] {
        guard count >= 0x80 else { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var rest = count
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }
}
