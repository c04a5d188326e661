import CoAPCodec
import TributaryNet

/// One request being answered: who asked, what (type, message ID, token), and how far the
/// answer got. Created and used on its endpoint's loop only; completions from other threads reach
/// it through the endpoint's `LoopBound`, so `@unchecked` is sound.
final class CoAPExchange: @unchecked Sendable {
    let key: CoAPExchanges.Key
    var peer: SocketAddress { key.peer }
    let request: CoAPMessage
    /// The empty ACK went out: the response follows as a message of its own.
    var emptyAcknowledged = false
    var answered = false
    var acknowledgementTimer: UInt64?

    init(key: CoAPExchanges.Key, request: CoAPMessage) {
        self.key = key
        self.request = request
    }
}
