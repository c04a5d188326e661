import CoAPCodec
import TributaryNet

/// The requests of one endpoint by peer and message ID (RFC 7252 section 4.5): one in progress
/// answers its retransmissions with nothing (or the empty ACK already sent), one answered
/// answers them with the same bytes until its lifetime ends, so a retransmitted CON is
/// published once. Bounded in total (the oldest answers forgotten first) and per peer in
/// progress; loop thread only.
final class CoAPExchanges {
    enum State {
        case inProgress(emptyAcknowledged: Bool)
        case answered([UInt8])
    }

    private struct Entry {
        var state: State
        var expires: Int64
    }

    /// A request: its sender and message ID.
    struct Key: Hashable {
        var peer: SocketAddress.Compact
        var messageID: UInt16

        init(peer: SocketAddress, messageID: UInt16) {
            self.peer = peer.compact
            self.messageID = messageID
        }
    }

    private var entries: [Key: Entry] = [:]
    private var inProgressByPeer: [SocketAddress.Compact: Int] = [:]
    private struct Expiry {
        var key: Key
        var expires: Int64
    }

    /// Keys by the time they were answered, which is the order they expire in.
    private var expiring = FIFO<Expiry>()
    private let maxEntries: Int
    private let maxInProgressPerPeer: Int
    private let lifetimeNanoseconds: Int64

    init(maxEntries: Int, maxInProgressPerPeer: Int, lifetimeMilliseconds: Int64) {
        self.maxEntries = maxEntries
        self.maxInProgressPerPeer = maxInProgressPerPeer
        lifetimeNanoseconds = lifetimeMilliseconds * 1_000_000
    }

    func state(_ key: Key, now: Int64) -> State? {
        forgetExpired(now: now)
        return entries[key]?.state
    }

    /// Starts an exchange; false when a bound is reached (the caller answers 5.03). A full table
    /// forgets its oldest answer first: deduplication is worth less than answering, and only
    /// requests in progress fill it for good.
    func begin(_ key: Key, now: Int64) -> Bool {
        forgetExpired(now: now)
        guard inProgressByPeer[key.peer, default: 0] < maxInProgressPerPeer else { return false }
        while entries.count >= maxEntries, let oldest = expiring.popFirst() {
            if entries[oldest.key]?.expires == oldest.expires { entries[oldest.key] = nil }
        }
        guard entries.count < maxEntries else { return false }
        entries[key] = Entry(state: .inProgress(emptyAcknowledged: false), expires: .max)
        inProgressByPeer[key.peer, default: 0] += 1
        return true
    }

    func markEmptyAcknowledged(_ key: Key) {
        guard case .inProgress = entries[key]?.state else { return }
        entries[key]?.state = .inProgress(emptyAcknowledged: true)
    }

    /// Keeps the answer's bytes for retransmissions of the request.
    func answer(_ key: Key, bytes: [UInt8], now: Int64) {
        guard case .inProgress = entries[key]?.state else { return }
        let expires = now + lifetimeNanoseconds
        entries[key] = Entry(state: .answered(bytes), expires: expires)
        expiring.append(Expiry(key: key, expires: expires))
        let remaining = inProgressByPeer[key.peer, default: 1] - 1
        inProgressByPeer[key.peer] = remaining > 0 ? remaining : nil
    }

    var count: Int { entries.count }

    private func forgetExpired(now: Int64) {
        while let first = expiring.first, first.expires <= now {
            _ = expiring.popFirst()
            if entries[first.key]?.expires == first.expires { entries[first.key] = nil }
        }
    }
}
