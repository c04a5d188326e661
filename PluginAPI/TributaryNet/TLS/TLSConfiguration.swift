/// What a TLS listener or client uses. Protocol versions are fixed to TLS 1.2 and 1.3: older ones
/// are broken, and every client a device fleet uses today speaks 1.2.
public struct TLSServerConfiguration: Sendable, Equatable {
    /// PEM file with the server certificate (and its chain, leaf first).
    public var certificateFile: String
    /// PEM file with the private key.
    public var privateKeyFile: String
    /// Ask clients for a certificate; its chain goes to device authentication, which verifies it
    /// against each application's trust anchors (so the handshake itself accepts any chain).
    public var requestClientCertificate: Bool

    public init(certificateFile: String, privateKeyFile: String, requestClientCertificate: Bool = false) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.requestClientCertificate = requestClientCertificate
    }
}

public struct TLSClientConfiguration: Sendable, Equatable {
    /// PEM bundle of trusted CAs; nil uses the system store (/etc/ssl/certs).
    public var caFile: String?
    /// Verify the server's certificate chain and host name. Off only for tests against
    /// self-signed peers, never by default.
    public var verifyPeer: Bool
    /// Client certificate and key (PEM) for servers that ask for one.
    public var certificateFile: String?
    public var privateKeyFile: String?

    public init(caFile: String? = nil, verifyPeer: Bool = true, certificateFile: String? = nil, privateKeyFile: String? = nil) {
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }
}
