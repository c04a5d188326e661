@_spi(Decoding) import IncrementalDecoding

/// An HTTP/1.1 decoder built on ``HTTPMessageReader``: the reader frames the message, the
/// decoder interprets its start line and head. The parse loop lives here once for requests and
/// responses.
package protocol HTTPMessageDecoder: IncrementalParser where Failure == HTTPParseError {
    var reader: HTTPMessageReader { get set }

    /// Checks `reader.startLine`, as soon as it is complete.
    mutating func startLineCompleted() throws(HTTPParseError)

    /// Interprets `reader.headers` and returns the body's framing, or nil to drop the message
    /// (an interim response).
    mutating func headCompleted() throws(HTTPParseError) -> HTTPMessageReader.Framing?

    /// The message, from the head and the reader's body and trailers.
    mutating func messageCompleted() -> Message
}

extension HTTPMessageDecoder {
    @_spi(Decoding) public var partialByteCount: Int { reader.byteCount }

    /// Whether nothing of a message is buffered.
    var isIdleDecoder: Bool { backlog.isEmpty && reader.isIdle }

    @_spi(Decoding) public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> (consumed: Int, message: (Message, Int)?) {
        var index = 0
        while true {
            switch try reader.read(bytes, from: &index) {
            case .needMore:
                return (index, nil)
            case .startLine:
                try startLineCompleted()
            case .head:
                if let framing = try headCompleted() {
                    try reader.beginBody(framing)
                } else {
                    reader.reset()
                }
            case .message:
                let message = messageCompleted()
                let byteCount = reader.byteCount
                reader.reset()
                return (index, (message, byteCount))
            }
        }
    }
}
