import COpenSSL
import CTributarySSL

/// A failure to parse or verify certificates, with OpenSSL's reason.
public struct CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One X.509 certificate parsed by OpenSSL. Never changed after parsing, so threads share it.
public final class Certificate: @unchecked Sendable {
    let x509: OpaquePointer
    /// The subject's distinguished name in RFC 2253 form, exactly as
    /// `openssl x509 -noout -subject -nameopt RFC2253` prints it: most specific component first,
    /// `CN=device1,O=Example`, with RFC 2253 escapes (non-ASCII bytes as `\XX`).
    public let subject: String
    /// The issuer's distinguished name, in the same form as `subject`.
    public let issuer: String

    /// Parses one DER certificate; trailing bytes are refused.
    public convenience init(der: [UInt8]) throws(CertificateError) {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let x509 = d2i_X509(nil, &cursor, buffer.count) else { return nil }
            guard cursor == buffer.baseAddress.map({ $0 + buffer.count }) else {
                X509_free(x509)
                return nil
            }
            return x509
        }
        guard let parsed else { throw CertificateError("not a DER certificate: \(OpenSSLError.drain())") }
        self.init(taking: parsed)
    }

    private init(taking x509: OpaquePointer) {
        self.x509 = x509
        subject = Certificate.rfc2253(X509_get_subject_name(x509))
        issuer = Certificate.rfc2253(X509_get_issuer_name(x509))
    }

    deinit { X509_free(x509) }

    /// Every certificate in `bytes`: PEM text (one or more `CERTIFICATE` blocks; other blocks
    /// are skipped) when it contains `-----BEGIN`, otherwise one DER certificate.
    public static func parse(_ bytes: [UInt8]) throws(CertificateError) -> [Certificate] {
        let marker = Array("-----BEGIN".utf8)
        let isPEM = bytes.count >= marker.count && (0...(bytes.count - marker.count)).contains { start in
            bytes[start..<(start + marker.count)].elementsEqual(marker)
        }
        return isPEM ? try parsePEM(bytes) : [try Certificate(der: bytes)]
    }

    private static func parsePEM(_ bytes: [UInt8]) throws(CertificateError) -> [Certificate] {
        let result: Result<[Certificate], CertificateError> = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                return .failure(CertificateError("out of memory"))
            }
            defer { BIO_free(bio) }
            var certificates: [Certificate] = []
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(Certificate(taking: x509))
            }
            // The loop always ends on an error; running out of blocks is the expected one.
            let last = ERR_peek_last_error()
            if ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE && !certificates.isEmpty {
                ERR_clear_error()
                return .success(certificates)
            }
            let reason = OpenSSLError.drain()
            return .failure(CertificateError(certificates.isEmpty && last == 0 ? "no certificate in PEM" : "invalid PEM certificate: \(reason)"))
        }
        return try result.get()
    }

    private static func rfc2253(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, CTributarySSL_XN_FLAG_RFC2253()) >= 0 else { return "" }
        let length = Int(BIO_ctrl_pending(bio))
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = max(0, Int(BIO_read(bio, buffer.baseAddress, Int32(length))))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// OpenSSL's thread-local error queue as one line.
enum OpenSSLError {
    /// Empties the queue and returns its messages joined, oldest first.
    static func drain() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}
