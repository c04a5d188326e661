import COpenSSL
import CTributarySSL

/// One DTLS peer past the cookie exchange: its SSL, where its handshake stands, and what the
/// handshake proved. Loop thread only (its `DTLSSocket`'s).
final class DTLSSession {
    let link: DTLSLink
    let ssl: OpaquePointer
    /// The context the session began with: a reloaded certificate serves only new sessions.
    let context: TLSContext
    let startedAt: Int64
    var lastActive: Int64
    private(set) var credential: DTLSPeerCredential?
    /// The client's key exchange, held while its PSK identity is looked up.
    var held: [UInt8]?
    var askedForKey = false

    init?(context: TLSContext, link: DTLSLink, now: Int64) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard let bio = link.makeBIO() else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_bio(ssl, bio, bio)
        _ = CTributarySSL_set_fixed_mtu(ssl, link.mtu - DTLSLink.udpOverhead)
        self.ssl = ssl
        self.link = link
        self.context = context
        startedAt = now
        lastActive = now
    }

    deinit { SSL_free(ssl) }

    var isEstablished: Bool { credential != nil }

    /// Records what the finished handshake proved; the key is wiped, it is no longer needed.
    func established() {
        if let identity = SSL_get_psk_identity(ssl) {
            credential = .preSharedKey(identity: String(cString: identity))
        } else {
            let chain = TLSStream.peerChain(of: ssl)
            credential = chain.isEmpty ? DTLSPeerCredential.none : .certificates(chain)
        }
        link.wipeKey()
    }
}
