/// What a WebSocket peer sent, as ``WebSocketMessageAssembler`` reports it: whole messages and
/// control frames.
public enum WebSocketEvent: Sendable, Equatable {
    /// A text message, validated as UTF-8.
    case text(String)
    case binary([UInt8])
    /// Answer with a pong carrying the same payload (RFC 6455 section 5.5.2).
    case ping([UInt8])
    case pong([UInt8])
    /// The peer is closing; `code` is nil when the close frame had no payload, which the close
    /// reply then echoes as 1000 or not at all.
    case close(code: UInt16?, reason: String)
}
