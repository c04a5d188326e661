import COpenSSL
import CTributarySSL

/// An OpenSSL `SSL_CTX`: certificates, keys and policy, shared by every connection of a listener
/// or client (OpenSSL makes it safe to share across threads once configured).
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    let isServer: Bool

    public init(server configuration: TLSServerConfiguration) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError("SSL_CTX_new") }
        self.context = context
        isServer = true
        try restrictVersions()
        try loadCertificate(configuration)
        if configuration.requestClientCertificate {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, acceptAnyChain)
        }
    }

    /// A DTLS 1.2 server (CoAP over DTLS): pre-shared keys always (the key of the identity the
    /// client names comes from `DTLSLink.preSharedKey`), a certificate when configured (client
    /// certificates then requested and judged by device authentication, as over TLS). Every
    /// handshake is a full one (no tickets, no session cache, no renegotiation), so the peer's
    /// identity is always seen; the first ClientHello of a peer is answered with a cookie
    /// (HelloVerifyRequest) bound to its address.
    public init(datagramServer certificate: TLSServerConfiguration?) throws(TLSError) {
        guard let context = SSL_CTX_new(DTLS_server_method()) else { throw TLSError("SSL_CTX_new") }
        self.context = context
        isServer = true
        guard CTributarySSL_CTX_set_min_proto_version(context, DTLS1_2_VERSION) == 1,
              CTributarySSL_CTX_set_max_proto_version(context, DTLS1_2_VERSION) == 1 else {
            throw TLSError("cannot restrict DTLS to version 1.2")
        }
        // OpenSSL 3 keeps PSK suites out of DEFAULT; constrained devices need them.
        guard SSL_CTX_set_cipher_list(context, "DEFAULT:PSK") == 1 else { throw TLSError("cannot set the DTLS cipher list") }
        CTributarySSL_CTX_full_handshakes_only(context)
        CTributarySSL_CTX_release_buffers(context)
        DTLSCallbacks.install(on: context)
        if let certificate {
            try loadCertificate(certificate)
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, acceptAnyChain)
        }
    }

    public init(client configuration: TLSClientConfiguration) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw TLSError("SSL_CTX_new") }
        self.context = context
        isServer = false
        try restrictVersions()
        if configuration.verifyPeer {
            let loaded = configuration.caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
            guard loaded == 1 else { throw TLSError("cannot load the CA bundle \(configuration.caFile ?? "(system)")") }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        if let certificate = configuration.certificateFile, let key = configuration.privateKeyFile {
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1,
                  SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                throw TLSError("cannot load the client certificate \(certificate) or key \(key)")
            }
        }
    }

    private func loadCertificate(_ configuration: TLSServerConfiguration) throws(TLSError) {
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateFile) == 1 else {
            throw TLSError("cannot load the certificate \(configuration.certificateFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError("cannot load the private key \(configuration.privateKeyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError("the private key \(configuration.privateKeyFile) does not match the certificate")
        }
    }

    private func restrictVersions() throws(TLSError) {
        guard CTributarySSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1,
              CTributarySSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1 else {
            throw TLSError("cannot restrict TLS versions to 1.2 and 1.3")
        }
    }

    deinit { SSL_CTX_free(context) }
}

/// Client chains are judged by device authentication (per application trust anchors), not by the
/// handshake; the handshake only proves the client holds the key of the leaf it presented.
private func acceptAnyChain(_ preverified: Int32, _ store: OpaquePointer?) -> Int32 { 1 }
