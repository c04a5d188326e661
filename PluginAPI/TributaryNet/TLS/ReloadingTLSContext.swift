import COpenSSL
import Synchronization

/// A listener's TLS context that follows its certificate and key files, so an operator rotates
/// certificates (Let's Encrypt every 60 to 90 days) without a restart: `reload()` loads the files
/// again and, once they pass (the key matches the certificate, the chain parses, the certificate
/// has not expired), new handshakes use them. Established connections keep the context they
/// began with (OpenSSL holds a reference). A file that does not pass keeps the previous context.
public final class ReloadingTLSContext: Sendable {
    public let configuration: TLSServerConfiguration
    private let context: Mutex<TLSContext>

    public init(_ configuration: TLSServerConfiguration) throws(TLSError) {
        self.configuration = configuration
        context = Mutex(try Self.validated(configuration))
    }

    /// The context a new connection's handshake uses.
    public var current: TLSContext { context.withLock { $0 } }

    /// Loads the files again; nil when they are in use now, else why they were refused (the
    /// previous certificate is still served).
    public func reload() -> TLSError? {
        do {
            let fresh = try Self.validated(configuration)
            context.withLock { $0 = fresh }
            return nil
        } catch {
            return error
        }
    }

    private static func validated(_ configuration: TLSServerConfiguration) throws(TLSError) -> TLSContext {
        let fresh = try TLSContext(server: configuration)
        guard let certificate = SSL_CTX_get0_certificate(fresh.context), let notAfter = X509_get0_notAfter(certificate) else {
            throw TLSError("no certificate in \(configuration.certificateFile)")
        }
        guard X509_cmp_current_time(notAfter) > 0 else {
            throw TLSError("the certificate in \(configuration.certificateFile) has expired")
        }
        return fresh
    }
}
