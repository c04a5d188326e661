import COpenSSL
import CTributarySSL
import Glibc

/// A set of trusted certificates that verifies client certificate chains, as a TLS server's
/// client verifier does: signatures up to an anchor, every validity window (anchors included),
/// CA constraints, and the TLS-client purpose (a leaf with an extended key usage must allow
/// clientAuth). An anchor need not be self-signed: a chain ending at any anchor is trusted
/// (OpenSSL's partial-chain mode), like rustls' trust anchors.
///
/// Built once and then only read, so concurrent verifications share it.
public final class TrustAnchors: @unchecked Sendable {
    private let store: OpaquePointer
    public let certificates: [Certificate]

    public init(_ anchors: [Certificate]) throws(CertificateError) {
        guard let store = X509_STORE_new() else { throw CertificateError("out of memory") }
        self.store = store
        certificates = anchors
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        for anchor in anchors where X509_STORE_add_cert(store, anchor.x509) != 1 {
            throw CertificateError("cannot add trust anchor \(anchor.subject): \(OpenSSLError.drain())")
        }
    }

    deinit { X509_STORE_free(store) }

    /// Verifies `chain` (leaf first, then any intermediates in any order) at `time` (Unix
    /// seconds; now when nil). Throws OpenSSL's reason, e.g. "certificate has expired".
    public func verify(_ chain: [Certificate], at time: Int64? = nil) throws(CertificateError) {
        guard let leaf = chain.first else { throw CertificateError("empty certificate chain") }
        guard let context = X509_STORE_CTX_new(), let untrusted = CTributarySSL_sk_X509_new_null() else {
            throw CertificateError("out of memory")
        }
        defer {
            X509_STORE_CTX_free(context)
            CTributarySSL_sk_X509_pop_free(untrusted)
        }
        for intermediate in chain.dropFirst() {
            // The stack frees what it holds; give it references of its own.
            X509_up_ref(intermediate.x509)
            guard CTributarySSL_sk_X509_push(untrusted, intermediate.x509) > 0 else {
                X509_free(intermediate.x509)
                throw CertificateError("out of memory")
            }
        }
        guard X509_STORE_CTX_init(context, store, leaf.x509, untrusted) == 1 else {
            throw CertificateError("cannot start verification: \(OpenSSLError.drain())")
        }
        X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_CLIENT)
        if let time { X509_STORE_CTX_set_time(context, 0, time_t(time)) }
        guard X509_verify_cert(context) == 1 else {
            let reason = String(cString: X509_verify_cert_error_string(Int(X509_STORE_CTX_get_error(context))))
            ERR_clear_error()
            throw CertificateError(reason)
        }
    }
}
