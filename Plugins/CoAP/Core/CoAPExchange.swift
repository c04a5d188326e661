import CoAPCodec
import TributaryNet

/// One request being answered: who asked, what (type, message ID, token), and how far the
/// answer got. Created and used on its endpoint's loop only; completions from other threads reach
/// it through the endpoint's `LoopBound`, so `@unchecked` is sound.
final class CoAPExchange: @unchecked Sendable {
    let key: CoAPExchanges.Key
    let peer: SocketAddress
    /// The sender's address without its port, formatted once for the per-address budgets (the
    /// request rate and the authentication throttle).
    lazy var source: String = peer.host
    let request: CoAPMessage
    /// What the peer's DTLS handshake proved; nil over plain UDP.
    let credential: DTLSPeerCredential?
    /// The empty ACK went out: the response follows as a message of its own.
    var emptyAcknowledged = false
    var answered = false
    var acknowledgementTimer: UInt64?

    init(peer: SocketAddress, request: CoAPMessage, credential: DTLSPeerCredential?) {
        key = CoAPExchanges.Key(peer: peer, messageID: request.messageID)
        self.peer = peer
        self.request = request
        self.credential = credential
    }
}
