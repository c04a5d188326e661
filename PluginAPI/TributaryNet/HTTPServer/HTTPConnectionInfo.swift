/// What the server knows about the connection a request came on.
public struct HTTPConnectionInfo: Sendable {
    public var remoteAddress: String
    public var isTLS: Bool
    /// The client's certificate chain (DER, leaf first) when it presented one over TLS.
    public var peerCertificates: [[UInt8]]
}
