import COpenSSL
import Glibc
import Synchronization

/// A listener's TLS context that follows its certificate and key files, so an operator rotates
/// certificates (Let's Encrypt every 60 to 90 days) without a restart: `reload()` loads the files
/// again and, once they pass (the key matches the certificate, the chain parses, the certificate
/// has not expired), new handshakes use them. Established connections keep the context they
/// began with (OpenSSL holds a reference). A file that does not pass keeps the previous context.
public final class ReloadingTLSContext: Sendable {
    public let configuration: TLSServerConfiguration
    private let context: Mutex<TLSContext>
    /// The certificate's and key's (device, inode, size, mtime) when last loaded: a change
    /// elsewhere in their directory reloads nothing.
    private let loaded: Mutex<[Int64]>

    public init(_ configuration: TLSServerConfiguration) throws(TLSError) {
        self.configuration = configuration
        loaded = Mutex(Self.fingerprint(configuration))
        context = Mutex(try Self.validated(configuration))
    }

    /// The context a new connection's handshake uses.
    public var current: TLSContext { context.withLock { $0 } }

    /// Whether the files differ from the ones last loaded (or last refused).
    public var filesChanged: Bool { loaded.withLock { $0 } != Self.fingerprint(configuration) }

    /// Loads the files again; nil when they are in use now, else why they were refused (the
    /// previous certificate is still served).
    public func reload() -> TLSError? {
        loaded.withLock { $0 = Self.fingerprint(configuration) }
        do {
            let fresh = try Self.validated(configuration)
            context.withLock { $0 = fresh }
            return nil
        } catch {
            return error
        }
    }

    private static func fingerprint(_ configuration: TLSServerConfiguration) -> [Int64] {
        [configuration.certificateFile, configuration.privateKeyFile].flatMap { path -> [Int64] in
            var status = stat()
            guard stat(path, &status) == 0 else { return [-1, -1, -1, -1, -1] }
            return [Int64(status.st_dev), Int64(status.st_ino), Int64(status.st_size), Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec)]
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
