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
        guard SSL_CTX_use_certificate_chain_file(context, configuration.certificateFile) == 1 else {
            throw TLSError("cannot load the certificate \(configuration.certificateFile)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, configuration.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw TLSError("cannot load the private key \(configuration.privateKeyFile)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError("the private key \(configuration.privateKeyFile) does not match the certificate")
        }
        if configuration.requestClientCertificate {
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
