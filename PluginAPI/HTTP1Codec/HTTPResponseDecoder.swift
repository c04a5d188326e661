@_spi(Decoding) import IncrementalDecoding

/// Incremental HTTP/1.1 response decoder for the client: bytes in, whole responses out.
///
/// A response's framing depends on the request (RFC 9112 section 6.3): a response to HEAD, and
/// every 204 and 304, has no body whatever its headers say. So the client calls
/// ``expectResponse(toMethod:)`` for each request it sends, in order; responses are matched to
/// those calls first in, first out, and one with no call pending is read as a response to GET.
///
/// Interim 1xx responses are skipped (RFC 9110 section 15.2), except 101, which ends HTTP on the
/// connection: it is returned without a body and the decoder is done. A body with neither `Content-Length` nor chunked coding runs
/// until the server closes: call ``finish()`` at end of stream to get it. Parsing rules and
/// limits are those of ``HTTPRequestDecoder``; the status line gets
/// ``HTTPDecoderLimits/maxTargetBytes``.
public struct HTTPResponseDecoder: Sendable, HTTPMessageDecoder {
    public let limits: HTTPDecoderLimits
    @_spi(Decoding) public var backlog = DecoderBacklog<HTTPClientResponse, HTTPParseError>()
    package var reader: HTTPMessageReader
    private var expectedMethods: [String] = []
    /// The response whose body is being read, without its body.
    private var head: HTTPClientResponse?

    public init(limits: HTTPDecoderLimits = HTTPDecoderLimits()) {
        self.limits = limits
        reader = HTTPMessageReader(
            limits: limits, maxStartLineBytes: limits.maxTargetBytes, startLineTooLong: .badStatusLine,
            malformedStartLine: .badStatusLine, skipsLeadingEmptyLines: false)
    }

    /// Records that a request with `method` was sent; call it once per request, in order.
    public mutating func expectResponse(toMethod method: String) {
        expectedMethods.append(method)
    }

    /// Hands bytes read from the connection to the decoder. Errors are reported by ``next()``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        feed(bytes)
    }

    /// The next complete response, or nil until more bytes arrive (or, for a body delimited by
    /// close, until ``finish()``).
    public mutating func next() throws(HTTPParseError) -> HTTPClientResponse? {
        try nextMessage()
    }

    /// Ends the stream: call it when the server closed and ``next()`` returned nil.
    ///
    /// - Returns: the response whose body ran until close, or nil when no response was in
    ///   progress.
    /// - Throws: ``HTTPParseError/truncatedMessage`` when the stream ended inside a response,
    ///   or the error that ended the stream earlier.
    public mutating func finish() throws(HTTPParseError) -> HTTPClientResponse? {
        if let response = try nextMessage() { return response }
        if reader.isIdle { return nil }
        guard reader.readsUntilClose else { throw .truncatedMessage }
        reader.endAtClose()
        return try parse(UnsafeRawBufferPointer(start: nil, count: 0)).message?.0
    }

    /// Whether no part of a response is buffered.
    public var isIdle: Bool {
        isIdleDecoder
    }

    /// Bytes received and not yet returned as a response.
    public var bufferedByteCount: Int { unreturnedByteCount }

    package mutating func startLineCompleted() throws(HTTPParseError) {
        head = try Self.parseStatusLine(reader.startLine)
    }

    package mutating func headCompleted() throws(HTTPParseError) -> HTTPMessageReader.Framing? {
        // `.head` always follows `.startLine`, which set `head`.
        head!.headers = reader.headers
        if head!.status < 200 && head!.status != 101 { return nil }
        return try framing(of: head!)
    }

    package mutating func messageCompleted() -> HTTPClientResponse {
        // `.message` always follows `.head`, which set `head`.
        var response = head!
        response.body = reader.body
        response.trailers = reader.trailers
        head = nil
        if !expectedMethods.isEmpty { expectedMethods.removeFirst() }
        return response
    }

    /// RFC 9112 section 6.3, in its order.
    private func framing(of response: HTTPClientResponse) throws(HTTPParseError) -> HTTPMessageReader.Framing {
        let method = expectedMethods.first ?? "GET"
        let status = response.status
        if method == "HEAD" || status == 101 || status == 204 || status == 304 || (method == "CONNECT" && status / 100 == 2) {
            return .noBody
        }
        return try HTTPMessageReader.declaredFraming(response.headers, version: response.version) ?? .untilClose
    }

    /// Parses `HTTP-version SP status-code SP reason-phrase`; a missing final space before an
    /// empty reason is tolerated, as many servers omit it.
    private static func parseStatusLine(_ line: [UInt8]) throws(HTTPParseError) -> HTTPClientResponse {
        guard line.count >= 12, line[8] == 0x20, line.count == 12 || line[12] == 0x20 else { throw .badStatusLine }
        let version = try HTTPVersion.parse(line[..<8], malformed: .badStatusLine)
        let digits = line[9..<12]
        guard digits.allSatisfy({ $0 &- 0x30 < 10 }), digits.first != 0x30 else { throw .badStatusLine }
        let status = digits.reduce(0) { $0 * 10 + Int($1 &- 0x30) }
        let reason = line.dropFirst(13)
        // HTAB, SP, VCHAR and obs-text.
        guard reason.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .badStatusLine }
        return HTTPClientResponse(status: status, reason: String(decoding: reason, as: UTF8.self), version: version)
    }
}
