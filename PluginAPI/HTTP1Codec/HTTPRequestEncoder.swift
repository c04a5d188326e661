/// Serializes client requests as HTTP/1.1.
///
/// Like ``HTTPResponseEncoder`` it owns the framing: `Content-Length` from the body (replacing
/// the caller's) unless the caller set `Transfer-Encoding` and framed the body itself. Methods
/// that define a body (POST, PUT, PATCH) get `Content-Length: 0` when it is empty, others get
/// no length then (RFC 9110 section 8.6).
public enum HTTPRequestEncoder {
    /// Appends `request` to `output`.
    ///
    /// - Throws: ``HTTPParseError/badMethod`` when the method is not a token,
    ///   ``HTTPParseError/badTarget`` when the target is empty or has a byte outside visible
    ///   ASCII (it would split or corrupt the request line); `output` is unchanged then.
    public static func encode(_ request: HTTPClientRequest, into output: inout [UInt8]) throws(HTTPParseError) {
        guard HTTPGrammar.isToken(request.method.utf8) else { throw .badMethod }
        let target = request.target.utf8
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .badTarget }
        output.append(contentsOf: "\(request.method) \(request.target) HTTP/1.1\r\n".utf8)
        let selfFramed = request.headers.contains("Transfer-Encoding")
        for (name, value) in request.headers where selfFramed || !HTTPGrammar.equalsIgnoringCase(name.utf8, "Content-Length".utf8) {
            HTTPResponseEncoder.appendField(name, value, to: &output)
        }
        if !selfFramed && (!request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method)) {
            HTTPResponseEncoder.appendField("Content-Length", String(request.body.count), to: &output)
        }
        output.append(contentsOf: "\r\n".utf8)
        output.append(contentsOf: request.body)
    }
}
