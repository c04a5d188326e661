/// What a DTLS handshake proved about the peer, for device authentication.
public enum DTLSPeerCredential: Sendable, Hashable {
    /// A certificate-only handshake in which the client presented no certificate.
    case none
    /// The PSK identity whose key the client held (`device@application`).
    case preSharedKey(identity: String)
    /// The client's certificate chain, leaf first (DER); the handshake proved it holds the leaf's
    /// key, device authentication judges the chain against the application's trust anchors.
    case certificates([[UInt8]])
}
