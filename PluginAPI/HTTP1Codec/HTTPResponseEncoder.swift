/// Serializes server responses as HTTP/1.1.
///
/// Framing is the encoder's job, so a handler cannot get it wrong: it writes `Content-Length`
/// from the body (replacing any the caller set) unless the caller set `Transfer-Encoding`, in
/// which case the body is written as given and must already be framed. 1xx and 204 responses
/// get neither length nor body, and 304 keeps the caller's headers but no body (RFC 9110
/// sections 8.6 and 15).
public enum HTTPResponseEncoder {
    /// Appends `response` to `output`.
    ///
    /// - Parameters:
    ///   - respondingToHEAD: writes the `Content-Length` the body would have but not the body
    ///     (RFC 9110 section 9.3.2), so a HEAD handler can build the GET response.
    ///   - output: caller-owned buffer, reusable across responses.
    public static func encode(_ response: HTTPResponse, respondingToHEAD: Bool = false, into output: inout [UInt8]) {
        let status = response.status
        precondition((100...999).contains(status), "HTTP status \(status) is not three digits")
        // A reason with CR or LF would split the response; such a one was never meant to be sent.
        let reason = HTTPHeaders.isValidValue(response.reason) ? response.reason : HTTPResponse.reasonPhrase(for: status)
        output.append(contentsOf: "HTTP/1.1 \(status) \(reason)\r\n".utf8)
        let hasBody = status >= 200 && status != 204 && status != 304
        let selfFramed = response.headers.contains("Transfer-Encoding")
        let writesLength = hasBody && !selfFramed
        for (name, value) in response.headers
        where status == 304 || selfFramed || !HTTPGrammar.equalsIgnoringCase(name.utf8, "Content-Length".utf8) {
            appendField(name, value, to: &output)
        }
        if writesLength { appendField("Content-Length", String(response.body.count), to: &output) }
        output.append(contentsOf: "\r\n".utf8)
        if hasBody && !respondingToHEAD { output.append(contentsOf: response.body) }
    }

    /// Appends the interim `HTTP/1.1 100 Continue` response, written once when
    /// ``HTTPRequestDecoder/awaitingContinue`` is true.
    public static func continueResponse(into output: inout [UInt8]) {
        output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
    }

    /// Appends `name: value` and CRLF; the request encoder writes its fields the same way.
    static func appendField(_ name: String, _ value: String, to output: inout [UInt8]) {
        output.append(contentsOf: name.utf8)
        output.append(contentsOf: ": ".utf8)
        output.append(contentsOf: value.utf8)
        output.append(contentsOf: "\r\n".utf8)
    }
}
