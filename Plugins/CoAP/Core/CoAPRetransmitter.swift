import CoAPCodec
import TributaryNet

/// The confirmable messages this endpoint sent (separate responses), resent until their ACK or
/// RST arrives (RFC 7252 section 4.2): after ACK_TIMEOUT (2 s) times a random factor up to 1.5,
/// doubling, at most MAX_RETRANSMIT (4) times. Loop thread only.
final class CoAPRetransmitter {
    private struct Pending {
        var bytes: [UInt8]
        var peer: SocketAddress
        var timeoutMilliseconds: Int64
        var attempts: Int
        var timer: UInt64
    }

    static let ackTimeoutMilliseconds: Int64 = 2000
    static let maxRetransmit = 4

    private let loop: EventLoop
    private let send: ([UInt8], SocketAddress) -> Void
    private var pending: [CoAPExchanges.Key: Pending] = [:]

    init(loop: EventLoop, send: @escaping ([UInt8], SocketAddress) -> Void) {
        self.loop = loop
        self.send = send
    }

    var count: Int { pending.count }

    /// `bytes` were just sent once as message `messageID` to `peer`.
    func track(_ bytes: [UInt8], messageID: UInt16, to peer: SocketAddress) {
        let key = CoAPExchanges.Key(peer: peer, messageID: messageID)
        let timeout = Self.ackTimeoutMilliseconds + Int64.random(in: 0...Self.ackTimeoutMilliseconds / 2)
        pending[key] = Pending(bytes: bytes, peer: peer, timeoutMilliseconds: timeout, attempts: 0, timer: schedule(key, after: timeout))
    }

    /// An ACK or RST for `messageID` from `peer`: stop resending.
    func settle(_ messageID: UInt16, from peer: SocketAddress) {
        guard let entry = pending.removeValue(forKey: CoAPExchanges.Key(peer: peer, messageID: messageID)) else { return }
        loop.cancelTimer(entry.timer)
    }

    func cancelAll() {
        for entry in pending.values { loop.cancelTimer(entry.timer) }
        pending.removeAll()
    }

    private func schedule(_ key: CoAPExchanges.Key, after milliseconds: Int64) -> UInt64 {
        loop.scheduleTimer(afterMilliseconds: milliseconds) { [unowned self] in self.expired(key) }
    }

    private func expired(_ key: CoAPExchanges.Key) {
        guard var entry = pending[key] else { return }
        guard entry.attempts < Self.maxRetransmit else {
            pending[key] = nil
            return
        }
        send(entry.bytes, entry.peer)
        entry.attempts += 1
        entry.timeoutMilliseconds *= 2
        entry.timer = schedule(key, after: entry.timeoutMilliseconds)
        pending[key] = entry
    }
}
