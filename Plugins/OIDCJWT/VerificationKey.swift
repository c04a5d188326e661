import COpenSSL
import Synchronization

/// One public key, parsed by OpenSSL, that verifies signatures of the algorithms its type
/// allows. Immutable once made, so any number of threads verify with it at once (OpenSSL 3
/// allows concurrent read-only use of an EVP_PKEY).
final class VerificationKey: @unchecked Sendable {
    /// RFC 7518 section 3.3: smaller RSA keys must not be used.
    static let minimumRSABits: Int32 = 2048

    let kind: JWSAlgorithm.KeyKind
    private let key: OpaquePointer
    /// One EVP_MD_CTX per algorithm, initialized for verifying with this key, copied for each
    /// check: OpenSSL 3 looks up the signature implementation on every EVP_DigestVerifyInit,
    /// which costs more than hashing a token (RS256: 35 µs per check initialized each time, 28
    /// copied, on this machine). Copied under the lock: a context is not for concurrent use.
    private let templates = Mutex<[JWSAlgorithm: OpaquePointer]>([:])

    /// Nil when OpenSSL does not accept `subjectPublicKeyInfo` as a key of `kind` (a point off
    /// its curve, a truncated modulus) or an RSA key is too short.
    init?(subjectPublicKeyInfo der: [UInt8], kind: JWSAlgorithm.KeyKind) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            ERR_clear_error()
            return nil
        }
        let expected: Int32 = switch kind {
        case .rsa: EVP_PKEY_RSA
        case .ec: EVP_PKEY_EC
        case .ed25519: EVP_PKEY_ED25519
        }
        guard EVP_PKEY_get_base_id(parsed) == expected, kind != .rsa || EVP_PKEY_get_bits(parsed) >= Self.minimumRSABits else {
            EVP_PKEY_free(parsed)
            return nil
        }
        self.kind = kind
        key = parsed
    }

    deinit {
        templates.withLock { templates in
            for context in templates.values { EVP_MD_CTX_free(context) }
        }
        EVP_PKEY_free(key)
    }

    /// Whether `signature` (as the JWS carries it) signs `message` under `algorithm`. The caller
    /// has checked that `algorithm` suits this key's kind.
    func verify(_ message: UnsafeRawBufferPointer, signature: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        var der = signature
        if case .ec(let curve) = algorithm.keyKind {
            guard let converted = DEREncoding.ecdsaSignature(raw: signature, curve: curve) else { return false }
            der = converted
        }
        guard let context = context(for: algorithm) else { return false }
        defer { EVP_MD_CTX_free(context) }
        let valid = der.withUnsafeBufferPointer { sig in
            EVP_DigestVerify(context, sig.baseAddress, sig.count, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count) == 1
        }
        // A failed check leaves a reason on this thread's error queue; nobody reads it.
        if !valid { ERR_clear_error() }
        return valid
    }
}

extension VerificationKey {
    /// A fresh verification context for `algorithm`, copied from its template (made on first use).
    private func context(for algorithm: JWSAlgorithm) -> OpaquePointer? {
        templates.withLock { templates -> OpaquePointer? in
            if templates[algorithm] == nil {
                guard let template = Self.initialized(key, algorithm) else { return nil }
                templates[algorithm] = template
            }
            guard let template = templates[algorithm], let copy = EVP_MD_CTX_new() else { return nil }
            guard EVP_MD_CTX_copy_ex(copy, template) == 1 else {
                EVP_MD_CTX_free(copy)
                ERR_clear_error()
                return nil
            }
            return copy
        }
    }

    private static func initialized(_ key: OpaquePointer, _ algorithm: JWSAlgorithm) -> OpaquePointer? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        var keyContext: OpaquePointer?
        var ready = EVP_DigestVerifyInit(context, &keyContext, Digests.shared.md(algorithm), nil, key) == 1
        if ready && algorithm.isPSS {
            // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash.
            ready = EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) == 1
        }
        guard ready else {
            EVP_MD_CTX_free(context)
            ERR_clear_error()
            return nil
        }
        return context
    }
}

/// The digests fetched once: OpenSSL 3 otherwise looks each up in its provider per call.
private final class Digests: @unchecked Sendable {
    static let shared = Digests()
    private let sha256 = EVP_MD_fetch(nil, "SHA256", nil)
    private let sha384 = EVP_MD_fetch(nil, "SHA384", nil)
    private let sha512 = EVP_MD_fetch(nil, "SHA512", nil)

    func md(_ algorithm: JWSAlgorithm) -> OpaquePointer? {
        switch algorithm.digest {
        case "SHA256": sha256
        case "SHA384": sha384
        case "SHA512": sha512
        default: nil
        }
    }
}
