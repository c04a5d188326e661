/// Why an HTTP/1.1 message was rejected, and the status a server answers with.
///
/// The decoders throw these and stay failed afterwards: after a framing error the rest of the
/// byte stream cannot be trusted (RFC 9112 section 11.2, request smuggling), so the server writes
/// one error response with `Connection: close` and closes. The response decoder uses the same
/// values; there `status` only classifies the fault.
///
/// Equality compares the kind of fault, so tests and callers can match `error == .tooManyHeaders`.
/// A request timeout (408) is not a parse error: the server's timer decides it, not the bytes.
public struct HTTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Code: Sendable, Hashable {
        case badRequestLine, badMethod, badTarget, targetTooLong, unsupportedVersion
        case badLineEnding, badHeaderLine, whitespaceBeforeColon, obsoleteLineFolding
        case badHeaderName, badHeaderValue, headerSectionTooLarge, tooManyHeaders
        case missingHost, badHost
        case badContentLength, duplicateContentLength, contentLengthWithTransferEncoding
        case badTransferEncoding, unsupportedTransferCoding, transferEncodingInHTTP10
        case bodyTooLarge
        case badChunkSize, badChunkExtension, chunkLineTooLong, badChunkTerminator
        case badStatusLine, truncatedMessage
    }

    let code: Code

    /// The HTTP status a server sends for this fault: 400, 413, 414, 431, 501 or 505.
    public var status: Int {
        switch code {
        case .targetTooLong: 414
        case .headerSectionTooLarge, .tooManyHeaders: 431
        case .bodyTooLarge: 413
        case .unsupportedTransferCoding: 501
        case .unsupportedVersion: 505
        default: 400
        }
    }

    /// One line for the log and the error response body; never contains request bytes, so it is
    /// safe to echo.
    public var reason: String {
        switch code {
        case .badRequestLine: "malformed request line"
        case .badMethod: "method is not a token"
        case .badTarget: "malformed request target"
        case .targetTooLong: "request target too long"
        case .unsupportedVersion: "HTTP version not supported"
        case .badLineEnding: "line not terminated by CRLF"
        case .badHeaderLine: "header line without a colon"
        case .whitespaceBeforeColon: "whitespace between header name and colon"
        case .obsoleteLineFolding: "obsolete line folding in header"
        case .badHeaderName: "header name is not a token"
        case .badHeaderValue: "header value has NUL, CR, LF or invalid UTF-8"
        case .headerSectionTooLarge: "header section too large"
        case .tooManyHeaders: "too many header fields"
        case .missingHost: "HTTP/1.1 request without exactly one Host header"
        case .badHost: "malformed Host header"
        case .badContentLength: "invalid Content-Length"
        case .duplicateContentLength: "more than one Content-Length"
        case .contentLengthWithTransferEncoding: "both Transfer-Encoding and Content-Length"
        case .badTransferEncoding: "chunked is not the final transfer coding"
        case .unsupportedTransferCoding: "transfer coding not implemented"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 message"
        case .bodyTooLarge: "body too large"
        case .badChunkSize: "malformed chunk size"
        case .badChunkExtension: "malformed chunk extension"
        case .chunkLineTooLong: "chunk size line too long"
        case .badChunkTerminator: "chunk data not followed by CRLF"
        case .badStatusLine: "malformed status line"
        case .truncatedMessage: "connection closed inside a message"
        }
    }

    public var description: String { "\(status) \(reason)" }

    init(_ code: Code) { self.code = code }

    // MARK: - Request line

    /// Not `method SP target SP version` with single spaces.
    public static let badRequestLine = HTTPParseError(.badRequestLine)
    /// The method is empty or has a byte outside the RFC 9110 token set.
    public static let badMethod = HTTPParseError(.badMethod)
    /// The target has a byte outside visible ASCII, a fragment, or does not fit its method's form.
    public static let badTarget = HTTPParseError(.badTarget)
    /// The target is longer than ``HTTPDecoderLimits/maxTargetBytes`` (414).
    public static let targetTooLong = HTTPParseError(.targetTooLong)
    /// An HTTP version other than 1.x (505).
    public static let unsupportedVersion = HTTPParseError(.unsupportedVersion)

    // MARK: - Header section

    /// A bare LF or a bare CR: only CRLF ends a line (see ``HTTPRequestDecoder``).
    public static let badLineEnding = HTTPParseError(.badLineEnding)
    /// A header line without a colon.
    public static let badHeaderLine = HTTPParseError(.badHeaderLine)
    /// `Name : value`; RFC 9112 section 5.1 requires a 400, since proxies disagree on the name.
    public static let whitespaceBeforeColon = HTTPParseError(.whitespaceBeforeColon)
    /// A header line starting with whitespace (obs-fold), rejected as RFC 9112 section 5.2 allows.
    public static let obsoleteLineFolding = HTTPParseError(.obsoleteLineFolding)
    /// An empty header name or one with a byte outside the token set.
    public static let badHeaderName = HTTPParseError(.badHeaderName)
    /// A header value with NUL, CR or LF, or bytes that are not UTF-8.
    public static let badHeaderValue = HTTPParseError(.badHeaderValue)
    /// The header (or trailer) section is longer than ``HTTPDecoderLimits/maxHeaderBytes`` (431).
    public static let headerSectionTooLarge = HTTPParseError(.headerSectionTooLarge)
    /// More than ``HTTPDecoderLimits/maxHeaderCount`` header and trailer fields (431).
    public static let tooManyHeaders = HTTPParseError(.tooManyHeaders)
    /// An HTTP/1.1 request without a Host header, or any request with several (RFC 9112 3.2).
    public static let missingHost = HTTPParseError(.missingHost)
    /// A Host value that is not `host[:port]`.
    public static let badHost = HTTPParseError(.badHost)

    // MARK: - Framing

    /// A Content-Length that is not a decimal number.
    public static let badContentLength = HTTPParseError(.badContentLength)
    /// Several Content-Length values, even equal ones: a sender must not send them and
    /// intermediaries disagree on which counts (request smuggling).
    public static let duplicateContentLength = HTTPParseError(.duplicateContentLength)
    /// Transfer-Encoding and Content-Length together (RFC 9112 section 6.3, rule 3).
    public static let contentLengthWithTransferEncoding = HTTPParseError(.contentLengthWithTransferEncoding)
    /// `chunked` missing, repeated or not last in Transfer-Encoding, or a coding that is not a token.
    public static let badTransferEncoding = HTTPParseError(.badTransferEncoding)
    /// A transfer coding other than `chunked`, such as `gzip, chunked` (501).
    public static let unsupportedTransferCoding = HTTPParseError(.unsupportedTransferCoding)
    /// Transfer-Encoding in an HTTP/1.0 message, whose framing RFC 9112 section 6.1 calls faulty.
    public static let transferEncodingInHTTP10 = HTTPParseError(.transferEncodingInHTTP10)
    /// A body longer than ``HTTPDecoderLimits/maxBodyBytes`` (413), known from Content-Length
    /// before any body byte is read, or from a chunk size before its data.
    public static let bodyTooLarge = HTTPParseError(.bodyTooLarge)

    // MARK: - Chunked coding

    /// A chunk size that is not hexadecimal.
    public static let badChunkSize = HTTPParseError(.badChunkSize)
    /// A chunk extension that is not `;name[=token|quoted-string]`.
    public static let badChunkExtension = HTTPParseError(.badChunkExtension)
    /// A chunk size line longer than ``HTTPDecoderLimits/maxChunkLineBytes``.
    public static let chunkLineTooLong = HTTPParseError(.chunkLineTooLong)
    /// Chunk data followed by something other than CRLF.
    public static let badChunkTerminator = HTTPParseError(.badChunkTerminator)

    // MARK: - Responses

    /// Not `HTTP/1.x SP 3DIGIT SP reason` (response decoder only).
    public static let badStatusLine = HTTPParseError(.badStatusLine)
    /// End of stream inside a message (response decoder's ``HTTPResponseDecoder/finish()``).
    public static let truncatedMessage = HTTPParseError(.truncatedMessage)
}
