@_spi(Decoding) import IncrementalDecoding

/// Incremental HTTP/1.1 request decoder for the server: bytes in, whole requests out.
///
/// Why incremental: requests arrive in arbitrary pieces, possibly several in one read
/// (pipelining). ``append(_:)`` parses bytes as they arrive, up to the end of one request;
/// ``next()`` returns it, then parses what followed. Each buffer is checked against
/// ``HTTPDecoderLimits`` before it grows, so a peer cannot make the decoder allocate more than
/// the limits (plus the bytes appended after a complete request, which are held unparsed until
/// ``next()`` takes it).
///
/// Strictness (RFC 9112 where it leaves a choice, chosen against request smuggling): lines end
/// in CRLF only, bare LF and bare CR are 400s; empty lines before the request line are skipped
/// (section 2.2); single spaces in the request line; no whitespace before a header colon, no
/// obs-fold; exactly one Host in HTTP/1.1; one Content-Length at most, never beside
/// Transfer-Encoding; `chunked` as the only transfer coding. After an error the decoder stays
/// failed: the server answers ``HTTPParseError/status`` and closes.
///
/// Server loop:
/// ```swift
/// decoder.append(bytesRead)
/// while let request = try decoder.next() { respond(to: request) }
/// if decoder.awaitingContinue {
///     HTTPResponseEncoder.continueResponse(into: &output)
///     decoder.continueSent()
/// }
/// ```
public struct HTTPRequestDecoder: Sendable, HTTPMessageDecoder {
    public let limits: HTTPDecoderLimits
    @_spi(Decoding) public var backlog = DecoderBacklog<HTTPRequest, HTTPParseError>()
    package var reader: HTTPMessageReader
    /// The head of the request whose body is being read.
    private var head: HTTPRequestHead?
    private var continueWritten = false

    public init(limits: HTTPDecoderLimits = HTTPDecoderLimits()) {
        self.limits = limits
        // Room for a method and the version around a target of the maximum length.
        reader = HTTPMessageReader(
            limits: limits, maxStartLineBytes: limits.maxTargetBytes &+ 64, startLineTooLong: .targetTooLong,
            malformedStartLine: .badRequestLine, skipsLeadingEmptyLines: true)
    }

    /// Hands bytes read from the connection to the decoder; they are copied or parsed before
    /// this returns. Errors are reported by ``next()``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        feed(bytes)
    }

    /// The next complete request, or nil until more bytes arrive. Call it until it returns nil
    /// after every ``append(_:)``.
    ///
    /// - Throws: the ``HTTPParseError`` that ended the stream, after every request before it was
    ///   returned; again on every later call.
    public mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        try nextMessage()
    }

    /// True while the current request's head carried `Expect: 100-continue`, its body has not
    /// started, and ``continueSent()`` was not called: the client waits for `100 Continue`.
    public var awaitingContinue: Bool {
        guard backlog.failure == nil, let head else { return false }
        return head.expectsContinue && !reader.bodyStarted && !continueWritten
    }

    /// Records that `100 Continue` was written for the current request, so it is sent once.
    public mutating func continueSent() {
        continueWritten = true
    }

    /// Whether no part of a request is buffered: at end of stream, idle means a clean close and
    /// anything else a truncated request.
    public var isIdle: Bool {
        isIdleDecoder
    }

    /// Bytes received and not yet returned as a request (parsed or held).
    public var bufferedByteCount: Int { unreturnedByteCount }

    package mutating func startLineCompleted() throws(HTTPParseError) {
        head = try Self.parseRequestLine(reader.startLine, limits: limits)
    }

    package mutating func headCompleted() throws(HTTPParseError) -> HTTPMessageReader.Framing? {
        // `.head` always follows `.startLine`, which set `head`.
        head!.headers = reader.headers
        try Self.checkTargetForm(head!)
        try Self.checkHost(reader.headers, version: head!.version)
        continueWritten = false
        return try HTTPMessageReader.declaredFraming(reader.headers, version: head!.version) ?? .noBody
    }

    package mutating func messageCompleted() -> HTTPRequest {
        defer { head = nil }
        return HTTPRequest(head: head!, body: reader.body, trailers: reader.trailers)
    }

    /// Parses `method SP request-target SP HTTP-version`; the headers follow.
    private static func parseRequestLine(_ line: [UInt8], limits: HTTPDecoderLimits) throws(HTTPParseError) -> HTTPRequestHead {
        guard let methodEnd = line.firstIndex(of: 0x20) else { throw .badRequestLine }
        guard HTTPGrammar.isToken(line[..<methodEnd]) else { throw .badMethod }
        guard let targetEnd = line[(methodEnd + 1)...].firstIndex(of: 0x20) else { throw .badRequestLine }
        let target = line[(methodEnd + 1)..<targetEnd]
        guard target.count <= limits.maxTargetBytes else { throw .targetTooLong }
        let version = try HTTPVersion.parse(line[(targetEnd + 1)...], malformed: .badRequestLine)
        // Visible ASCII without `#`: a fragment is never part of a request target.
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x23 }) else { throw .badTarget }
        return HTTPRequestHead(
            method: String(decoding: line[..<methodEnd], as: UTF8.self), target: String(decoding: target, as: UTF8.self),
            version: version)
    }

    /// RFC 9112 section 3.2: origin-form, absolute-form, authority-form only for CONNECT and `*`
    /// only for OPTIONS.
    private static func checkTargetForm(_ head: HTTPRequestHead) throws(HTTPParseError) {
        let target = head.target.utf8
        if head.method == "CONNECT" {
            guard !target.contains(UInt8(ascii: "/")), target.contains(UInt8(ascii: ":")) else { throw .badTarget }
        } else if head.target == "*" {
            guard head.method == "OPTIONS" else { throw .badTarget }
        } else if target.first != UInt8(ascii: "/") {
            guard HTTPRequestHead.authorityStart(Substring(head.target).utf8) != nil else { throw .badTarget }
        }
    }

    /// Exactly one Host in HTTP/1.1, at most one in 1.0, and a value of the form `host[:port]`
    /// (RFC 9112 section 3.2). The value may be empty, as for a target without authority.
    private static func checkHost(_ headers: HTTPHeaders, version: HTTPVersion) throws(HTTPParseError) {
        let hosts = headers.values("Host")
        guard hosts.count == 1 || (hosts.isEmpty && version == .http1_0) else { throw .missingHost }
        // unreserved, pct-encoded, sub-delims, ":" for the port, "[" "]" for IPv6 literals.
        let valid = hosts.first?.utf8.allSatisfy { c in
            (c | 0x20) &- 0x61 < 26 || c &- 0x30 < 10 || "-._~%!$&'()*+,;=:[]".utf8.contains(c)
        }
        guard valid != false else { throw .badHost }
    }
}
