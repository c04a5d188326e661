/// A whole HTTP/1.x request as the server decoder yields it: head, body and, for chunked
/// bodies, trailer fields.
///
/// The body is complete and at most ``HTTPDecoderLimits/maxBodyBytes`` long; device messages and
/// webhooks are small, so handlers get one contiguous buffer instead of a stream.
public struct HTTPRequest: Sendable, Equatable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// Fields after a chunked body; kept apart from the head because RFC 9110 section 6.5 forbids
    /// merging them unless the field's definition allows it.
    public var trailers: HTTPHeaders

    public init(head: HTTPRequestHead, body: [UInt8] = [], trailers: HTTPHeaders = [:]) {
        self.head = head
        self.body = body
        self.trailers = trailers
    }
}
