// libFuzzer target for HTTPRequestDecoder (and, on the same bytes, HTTPResponseDecoder).
// Build and run with Tests/Fuzz/run.sh.

#if !FUZZ_FROM_SOURCE
@testable import HTTP1Codec
#endif

extension HTTPRequestDecoder: FuzzedDecoder {}
extension HTTPResponseDecoder: FuzzedDecoder {}

/// Small limits, so inputs of a few hundred bytes reach every limit.
private let limits = HTTPDecoderLimits(maxTargetBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodyBytes: 512, maxChunkLineBytes: 32)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let requests = decodeBothWays(input, { HTTPRequestDecoder(limits: limits) }, check: { _ in })
    for request in requests.messages {
        checkLimits(request)
        checkRoundTrip(request)
    }
    let responses = decodeBothWays(input, { HTTPResponseDecoder(limits: limits) }, check: { _ in })
    for response in responses.messages {
        precondition(response.body.count <= limits.maxBodyBytes, "response body over the limit")
        precondition(response.headers.count + response.trailers.count <= limits.maxHeaderCount, "too many response fields")
    }
    return 0
}

/// A returned request never exceeds the limits it was decoded with.
private func checkLimits(_ request: HTTPRequest) {
    let head = request.head
    precondition(head.target.utf8.count <= limits.maxTargetBytes, "target over the limit")
    precondition(request.body.count <= limits.maxBodyBytes, "body over the limit")
    precondition(head.headers.count + request.trailers.count <= limits.maxHeaderCount, "too many fields")
    let fieldBytes = head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 3 }
    precondition(fieldBytes <= limits.maxHeaderBytes, "header section over the limit")
    for (name, value) in head.headers {
        precondition(HTTPHeaders.isValidName(name) && HTTPHeaders.isValidValue(value), "decoded an unsendable field")
    }
    _ = head.pathSegments
    _ = head.queryItems
}

/// An HTTP/1.1 request re-encoded by the client encoder decodes to the same request, framing
/// headers aside (the encoder writes its own Content-Length; trailers are not re-sent).
private func checkRoundTrip(_ request: HTTPRequest) {
    guard request.head.version == .http1_1 else { return }
    var headers = request.head.headers
    headers.remove(name: "Content-Length")
    headers.remove(name: "Transfer-Encoding")
    var wire: [UInt8] = []
    do {
        try HTTPRequestEncoder.encode(
            HTTPClientRequest(method: request.head.method, target: request.head.target, headers: headers, body: request.body), into: &wire)
    } catch {
        preconditionFailure("a decoded request does not encode: \(error)")
    }
    let again = decodeOnly(wire, with: HTTPRequestDecoder(limits: HTTPDecoderLimits(maxHeaderBytes: 4096, maxHeaderCount: 16)))
    var againHeaders = again.head.headers
    againHeaders.remove(name: "Content-Length")
    precondition(again.head.method == request.head.method && again.head.target == request.head.target, "request line changed")
    precondition(againHeaders == headers, "headers changed")
    precondition(again.body == request.body, "body changed")
}
