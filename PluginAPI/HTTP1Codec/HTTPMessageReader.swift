import Glibc
@_spi(Decoding) import IncrementalDecoding
import TributarySDK

/// The framing state machine shared by the request and response decoders: start line, header
/// fields, then a body delimited by length, chunked coding or end of stream, then trailers.
///
/// It consumes bytes as they arrive and keeps only the line in progress, the parsed fields and
/// the body, each checked against ``HTTPDecoderLimits`` before it grows. What the start line
/// means and which framing applies is the owner's business: ``read(_:from:)`` stops with
/// ``Progress/startLine``, then with ``Progress/head`` and waits for ``beginBody(_:)``.
///
/// Lines end with CRLF only. A bare LF or bare CR is rejected (RFC 9112 section 2.2 allows either
/// choice): accepting what other parsers on the path reject is how requests get smuggled.
package struct HTTPMessageReader: Sendable {
    /// How the body of the current message is delimited.
    package enum Framing: Sendable, Equatable {
        case noBody
        case length(Int)
        case chunked
        case untilClose
    }

    enum Progress {
        case needMore
        /// ``startLine`` is complete: check it now, so a bad one fails before its headers arrive.
        case startLine
        /// ``headers`` are complete too; call ``beginBody(_:)``.
        case head
        /// The body (and trailers) are complete; take them and ``reset()``.
        case message
    }

    private enum State {
        case startLine
        case fieldLine
        case head
        case fixedBody(remaining: Int)
        case chunkLine
        case chunkData(remaining: Int)
        case chunkTerminator
        case trailerLine
        case untilClose
        case done
    }

    let limits: HTTPDecoderLimits
    /// The longest start line, CRLF included.
    private let maxStartLineBytes: Int
    /// Thrown when the start line is too long and has a space (the target is what grew).
    private let startLineTooLong: HTTPParseError
    private let malformedStartLine: HTTPParseError
    /// Requests may be preceded by empty lines (RFC 9112 section 2.2); responses may not.
    private let skipsLeadingEmptyLines: Bool

    private(set) var startLine: [UInt8] = []
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private(set) var trailers = HTTPHeaders()
    /// Bytes of the current message consumed so far, CRLFs included.
    private(set) var byteCount = 0
    /// Whether any byte of the body (or its chunk framing) has been consumed.
    private(set) var bodyStarted = false

    private var state = State.startLine
    private var line: [UInt8] = []
    private var sectionBytes = 0
    private var fieldCount = 0

    init(
        limits: HTTPDecoderLimits, maxStartLineBytes: Int, startLineTooLong: HTTPParseError,
        malformedStartLine: HTTPParseError, skipsLeadingEmptyLines: Bool
    ) {
        self.limits = limits
        self.maxStartLineBytes = maxStartLineBytes
        self.startLineTooLong = startLineTooLong
        self.malformedStartLine = malformedStartLine
        self.skipsLeadingEmptyLines = skipsLeadingEmptyLines
    }

    /// Whether nothing of a message has been consumed (empty lines before a request aside).
    var isIdle: Bool {
        if case .startLine = state { return line.isEmpty }
        return false
    }

    /// Whether the body runs until the peer closes (the response decoder's `finish()`).
    var readsUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Consumes `bytes` from `index` on, stopping after the head or the message completes.
    mutating func read(_ bytes: UnsafeRawBufferPointer, from index: inout Int) throws(HTTPParseError) -> Progress {
        while true {
            switch state {
            case .head:
                return .head
            case .done:
                return .message
            case .fixedBody(let remaining):
                let count = min(remaining, bytes.count &- index)
                if count == 0 { return .needMore }
                // The whole announced length at once: Content-Length was checked against the
                // limit, and the body never reallocates.
                if body.isEmpty { body.reserveCapacity(remaining) }
                appendBody(bytes, index, count)
                index &+= count
                state = count == remaining ? .done : .fixedBody(remaining: remaining &- count)
            case .chunkData(let remaining):
                let count = min(remaining, bytes.count &- index)
                if count == 0 { return .needMore }
                appendBody(bytes, index, count)
                index &+= count
                state = count == remaining ? .chunkTerminator : .chunkData(remaining: remaining &- count)
            case .untilClose:
                let count = bytes.count &- index
                if count == 0 { return .needMore }
                guard count <= limits.maxBodyBytes &- body.count else { throw .bodyTooLarge }
                body.reserveCapped(body.count &+ count, limit: limits.maxBodyBytes)
                appendBody(bytes, index, count)
                index &+= count
            case .startLine, .fieldLine, .chunkLine, .chunkTerminator, .trailerLine:
                guard try readLine(bytes, &index) else { return .needMore }
                let completesStartLine = if case .startLine = state { true } else { false }
                try lineCompleted()
                line.removeAll(keepingCapacity: true)
                if completesStartLine, case .fieldLine = state { return .startLine }
            }
        }
    }

    /// Sets how the body is delimited once ``read(_:from:)`` returned ``Progress/head``.
    ///
    /// - Throws: ``HTTPParseError/bodyTooLarge`` when a length exceeds the limit, before any
    ///   body byte is read.
    mutating func beginBody(_ framing: Framing) throws(HTTPParseError) {
        switch framing {
        case .noBody: state = .done
        case .length(0): state = .done
        case .length(let length):
            guard length <= limits.maxBodyBytes else { throw .bodyTooLarge }
            state = .fixedBody(remaining: length)
        case .chunked: state = .chunkLine
        case .untilClose: state = .untilClose
        }
    }

    /// Ends a body that runs until the peer closes; ``Progress/message`` follows.
    mutating func endAtClose() {
        state = .done
    }

    /// Forgets the message, keeping buffer capacity for the next one.
    mutating func reset() {
        state = .startLine
        startLine.removeAll(keepingCapacity: true)
        headers = HTTPHeaders()
        body = []
        trailers = HTTPHeaders()
        byteCount = 0
        bodyStarted = false
        sectionBytes = 0
        fieldCount = 0
    }

    /// The framing the headers declare (RFC 9112 section 6.3): `.chunked`, `.length(n)`, or nil
    /// when they declare neither. Strict where the RFC lets a recipient choose: duplicate
    /// Content-Length values and Transfer-Encoding beside Content-Length are errors.
    static func declaredFraming(_ headers: HTTPHeaders, version: HTTPVersion) throws(HTTPParseError) -> Framing? {
        let codings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !codings.isEmpty {
            guard version == .http1_1 else { throw .transferEncodingInHTTP10 }
            guard lengths.isEmpty else { throw .contentLengthWithTransferEncoding }
            let elements = HTTPGrammar.listElements(codings)
            let isChunked = { (coding: Substring) in HTTPGrammar.equalsIgnoringCase(coding.utf8, "chunked".utf8) }
            guard let last = elements.last, isChunked(last), elements.count(where: isChunked) == 1,
                elements.allSatisfy({ HTTPGrammar.isToken($0.utf8) })
            else { throw .badTransferEncoding }
            guard elements.count == 1 else { throw .unsupportedTransferCoding }
            return .chunked
        }
        guard let length = lengths.first else { return nil }
        guard lengths.count == 1, !length.utf8.contains(UInt8(ascii: ",")) else { throw .duplicateContentLength }
        guard !length.isEmpty, length.utf8.allSatisfy({ $0 &- 0x30 < 10 }) else { throw .badContentLength }
        // Saturates: any length past the body limit is rejected alike.
        return .length(length.utf8.reduce(0) { $0 > Int.max / 10 - 1 ? Int.max : $0 * 10 + Int($1 &- 0x30) })
    }

    // MARK: - Lines

    /// Moves bytes up to and including the next LF into `line`, checking the state's limit
    /// first. Returns true with `line` holding a complete line without its CRLF.
    private mutating func readLine(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) throws(HTTPParseError) -> Bool {
        let available = bytes.count &- index
        guard available > 0, let base = bytes.baseAddress else { return false }
        let lf = memchr(base + index, 0x0A, available).map { UnsafeRawPointer($0) - base }
        let end = lf.map { $0 &+ 1 } ?? bytes.count
        // Up to the limit only: enough for the error to tell a long target from garbage.
        let count = min(end &- index, max(lineLimit &- line.count, 0))
        line.reserveCapped(line.count &+ count, limit: lineLimit)
        line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index &+ count]))
        guard count == end &- index else { throw lineTooLong() }
        byteCount &+= count
        index = end
        if isBodyLine { bodyStarted = true }
        guard lf != nil else { return false }
        line.removeLast()
        guard line.last == 0x0D else { throw .badLineEnding }
        line.removeLast()
        guard !line.contains(0x0D) else { throw .badLineEnding }
        return true
    }

    private var isBodyLine: Bool {
        switch state {
        case .chunkLine, .chunkTerminator, .trailerLine: true
        default: false
        }
    }

    /// Bytes the current line may take, CRLF included.
    private var lineLimit: Int {
        switch state {
        case .startLine: maxStartLineBytes
        case .fieldLine, .trailerLine: limits.maxHeaderBytes &- sectionBytes
        case .chunkLine: limits.maxChunkLineBytes
        default: 2
        }
    }

    private func lineTooLong() -> HTTPParseError {
        switch state {
        case .startLine: line.contains(0x20) ? startLineTooLong : malformedStartLine
        case .fieldLine, .trailerLine: .headerSectionTooLarge
        case .chunkLine: .chunkLineTooLong
        default: .badChunkTerminator
        }
    }

    private mutating func lineCompleted() throws(HTTPParseError) {
        switch state {
        case .startLine:
            if line.isEmpty {
                guard skipsLeadingEmptyLines else { throw malformedStartLine }
                byteCount = 0
                return
            }
            swap(&startLine, &line)
            state = .fieldLine
        case .fieldLine:
            sectionBytes &+= line.count &+ 2
            if line.isEmpty {
                state = .head
                sectionBytes = 0
            } else {
                try Self.parseField(line, into: &headers, count: &fieldCount, limits: limits)
            }
        case .chunkLine:
            let size = try Self.parseChunkLine(line)
            if size == 0 {
                state = .trailerLine
            } else {
                guard size <= limits.maxBodyBytes &- body.count else { throw .bodyTooLarge }
                body.reserveCapped(body.count &+ size, limit: limits.maxBodyBytes)
                state = .chunkData(remaining: size)
            }
        case .chunkTerminator:
            guard line.isEmpty else { throw .badChunkTerminator }
            state = .chunkLine
        case .trailerLine:
            sectionBytes &+= line.count &+ 2
            if line.isEmpty {
                state = .done
            } else {
                try Self.parseField(line, into: &trailers, count: &fieldCount, limits: limits)
            }
        default:
            break
        }
    }

    // MARK: - Body

    private mutating func appendBody(_ bytes: UnsafeRawBufferPointer, _ index: Int, _ count: Int) {
        bodyStarted = true
        byteCount &+= count
        body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index &+ count]))
    }

    // MARK: - Fields

    /// Parses `name: value` (RFC 9112 section 5) into `fields`.
    private static func parseField(
        _ line: [UInt8], into fields: inout HTTPHeaders, count: inout Int, limits: HTTPDecoderLimits
    ) throws(HTTPParseError) {
        guard !HTTPGrammar.isWhitespace(line[0]) else { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: 0x3A) else { throw .badHeaderLine }
        guard colon > 0 else { throw .badHeaderName }
        guard !HTTPGrammar.isWhitespace(line[colon - 1]) else { throw .whitespaceBeforeColon }
        guard HTTPGrammar.isToken(line[..<colon]) else { throw .badHeaderName }
        count &+= 1
        guard count <= limits.maxHeaderCount else { throw .tooManyHeaders }
        var start = colon + 1
        var end = line.count
        while start < end && HTTPGrammar.isWhitespace(line[start]) { start += 1 }
        while end > start && HTTPGrammar.isWhitespace(line[end - 1]) { end -= 1 }
        let value = line[start..<end]
        // CR cannot remain (readLine rejected it), nor LF; NUL can.
        guard !value.contains(0) else { throw .badHeaderValue }
        let valid = value.withUnsafeBytes { UTF8Validation.isValid($0) }
        guard valid else { throw .badHeaderValue }
        fields.appendValidated(
            name: String(decoding: line[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    // MARK: - Chunked coding

    /// Parses `chunk-size [ chunk-ext ]` (RFC 9112 section 7.1) and returns the size, saturating
    /// at `Int.max` (which the body limit then rejects).
    private static func parseChunkLine(_ line: [UInt8]) throws(HTTPParseError) -> Int {
        var index = 0
        var size = 0
        while index < line.count, let digit = HTTPGrammar.hexValue(line[index]) {
            size = size > (Int.max >> 4) ? Int.max : size << 4 | Int(digit)
            index += 1
        }
        guard index > 0 else { throw .badChunkSize }
        guard index == line.count || HTTPGrammar.isWhitespace(line[index]) || line[index] == 0x3B else {
            throw .badChunkSize
        }
        try validateExtensions(line[index...])
        return size
    }

    /// `*( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )`; the extensions
    /// themselves are ignored, as RFC 9112 section 7.1.1 requires of unknown ones.
    private static func validateExtensions(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) {
        var index = bytes.startIndex
        func skipWhitespace() { while index < bytes.endIndex && HTTPGrammar.isWhitespace(bytes[index]) { index += 1 } }
        func token() -> Bool {
            let start = index
            while index < bytes.endIndex && HTTPGrammar.isTokenByte(bytes[index]) { index += 1 }
            return index > start
        }
        // BWS is allowed only before a ";" or "=" that follows it, so trailing whitespace fails.
        while index < bytes.endIndex {
            skipWhitespace()
            guard index < bytes.endIndex, bytes[index] == 0x3B else { throw .badChunkExtension }
            index += 1
            skipWhitespace()
            guard token() else { throw .badChunkExtension }
            let afterName = index
            skipWhitespace()
            guard index < bytes.endIndex, bytes[index] == 0x3D else {
                index = afterName
                continue
            }
            index += 1
            skipWhitespace()
            if index < bytes.endIndex, bytes[index] == 0x22 {
                guard let end = quotedStringEnd(bytes, from: index) else { throw .badChunkExtension }
                index = end
            } else {
                guard token() else { throw .badChunkExtension }
            }
        }
    }

    /// The index after the quoted-string starting at `start` (RFC 9110 section 5.6.4), or nil.
    private static func quotedStringEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.endIndex {
            let c = bytes[index]
            if c == 0x22 { return index + 1 }
            if c == 0x5C {
                index += 1
                guard index < bytes.endIndex, isQuotedText(bytes[index]) || bytes[index] == 0x22 || bytes[index] == 0x5C else {
                    return nil
                }
            } else if !isQuotedText(c) {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// `qdtext`: HTAB, SP, visible ASCII but `"` and `\`, and obs-text.
    private static func isQuotedText(_ c: UInt8) -> Bool {
        c == 0x09 || c == 0x20 || c == 0x21 || (c >= 0x23 && c != 0x5C && c != 0x7F)
    }
}
