import COpenSSL
import Glibc
import Synchronization

/// TLS files that can be loaded again while in use: a listener's certificate and key, or a
/// client's CA bundle (and client certificate). `TLSFileWatch` reloads them when they change.
public protocol ReloadableTLSFiles: AnyObject, Sendable {
    /// The files the context is made of.
    var files: [String] { get }
    /// Whether the files differ from the ones last loaded (or last refused).
    var filesChanged: Bool { get }
    /// Loads the files again; nil when they are in use now, else why they were refused (the
    /// previous context stays in use).
    func reload() -> TLSError?
}

/// A listener's TLS context that follows its certificate and key files, so an operator rotates
/// certificates (Let's Encrypt every 60 to 90 days) without a restart: once changed files pass
/// (the key matches the certificate, the chain parses, the certificate has not expired) new
/// handshakes use them. Established connections keep the context they began with (OpenSSL holds
/// a reference). Files that do not pass keep the previous context.
public final class ReloadingTLSContext: ReloadableTLSFiles {
    private let state: TLSFileState

    /// A TCP listener's context.
    public init(_ configuration: TLSServerConfiguration) throws(TLSError) {
        state = try TLSFileState(files: [configuration.certificateFile, configuration.privateKeyFile]) { () throws(TLSError) in
            try Self.validated(TLSContext(server: configuration), configuration)
        }
    }

    /// A DTLS endpoint's context (`DTLSSocket`): pre-shared keys, and with `certificate` also
    /// X.509 (client certificates requested). Without one it has no files to follow.
    public init(datagram certificate: TLSServerConfiguration?) throws(TLSError) {
        state = try TLSFileState(files: certificate.map { [$0.certificateFile, $0.privateKeyFile] } ?? []) { () throws(TLSError) in
            let fresh = try TLSContext(datagramServer: certificate)
            return try certificate.map { configuration throws(TLSError) in try Self.validated(fresh, configuration) } ?? fresh
        }
    }

    /// The context a new connection's handshake uses.
    public var current: TLSContext { state.current }
    public var files: [String] { state.files }
    public var filesChanged: Bool { state.filesChanged }
    public func reload() -> TLSError? { state.reload() }

    private static func validated(_ fresh: TLSContext, _ configuration: TLSServerConfiguration) throws(TLSError) -> TLSContext {
        guard let certificate = SSL_CTX_get0_certificate(fresh.context), let notAfter = X509_get0_notAfter(certificate) else {
            throw TLSError("no certificate in \(configuration.certificateFile)")
        }
        guard X509_cmp_current_time(notAfter) > 0 else {
            throw TLSError("the certificate in \(configuration.certificateFile) has expired")
        }
        return fresh
    }
}

/// A TLS client's context that follows its CA bundle (and client certificate and key): a
/// rotated or corrected trust store verifies the next connection. A client on the system store
/// has no file of its own to follow.
public final class ReloadingTLSClientContext: ReloadableTLSFiles {
    public let configuration: TLSClientConfiguration
    private let state: TLSFileState

    public init(_ configuration: TLSClientConfiguration) throws(TLSError) {
        self.configuration = configuration
        state = try TLSFileState(files: [configuration.caFile, configuration.certificateFile, configuration.privateKeyFile].compactMap { $0 }) {
            () throws(TLSError) in try TLSContext(client: configuration)
        }
    }

    public var current: TLSContext { state.current }
    public var files: [String] { state.files }
    public var filesChanged: Bool { state.filesChanged }
    public func reload() -> TLSError? { state.reload() }
}

/// The context in use and the files it was made from, by (device, inode, size, mtime): a change
/// elsewhere in their directory reloads nothing.
final class TLSFileState: Sendable {
    let files: [String]
    private let make: @Sendable () throws(TLSError) -> TLSContext
    private let context: Mutex<TLSContext>
    private let loaded: Mutex<[Int64]>

    init(files: [String], make: @escaping @Sendable () throws(TLSError) -> TLSContext) throws(TLSError) {
        self.files = files
        self.make = make
        loaded = Mutex(Self.fingerprint(files))
        context = Mutex(try make())
    }

    var current: TLSContext { context.withLock { $0 } }

    var filesChanged: Bool { loaded.withLock { $0 } != Self.fingerprint(files) }

    func reload() -> TLSError? {
        loaded.withLock { $0 = Self.fingerprint(files) }
        do {
            let fresh = try make()
            context.withLock { $0 = fresh }
            return nil
        } catch {
            return error
        }
    }

    private static func fingerprint(_ files: [String]) -> [Int64] {
        files.flatMap { path -> [Int64] in
            var status = stat()
            guard stat(path, &status) == 0 else { return [-1, -1, -1, -1, -1] }
            return [Int64(status.st_dev), Int64(status.st_ino), Int64(status.st_size), Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec)]
        }
    }
}
