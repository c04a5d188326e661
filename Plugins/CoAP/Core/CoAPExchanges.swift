import CoAPCodec
import TributaryNet

/// The requests of one endpoint by peer and message ID (RFC 7252 section 4.5): one in progress
/// answers its retransmissions with nothing (or the empty ACK already sent), one answered
/// answers them with the same bytes until its lifetime ends, so a retransmitted CON is
/// published once. Bounded in total and per peer in progress; loop thread only.
final class CoAPExchanges {
    enum State {
        case inProgress(emptyAcknowledged: Bool)
        case answered([UInt8])
    }

    private struct Entry {
        var state: State
        var expires: Int64
    }

    private var entries: [String: Entry] = [:]
    private var inProgressByPeer: [String: Int] = [:]
    private struct Expiry {
        var key: String
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

    static func key(_ peer: String, _ messageID: UInt16) -> String { "\(peer)#\(messageID)" }

    func state(_ key: String, now: Int64) -> State? {
        forgetExpired(now: now)
        return entries[key]?.state
    }

    /// Starts an exchange; false when a bound is reached (the caller answers 5.03).
    func begin(_ key: String, peer: String, now: Int64) -> Bool {
        forgetExpired(now: now)
        guard entries.count < maxEntries, inProgressByPeer[peer, default: 0] < maxInProgressPerPeer else { return false }
        entries[key] = Entry(state: .inProgress(emptyAcknowledged: false), expires: .max)
        inProgressByPeer[peer, default: 0] += 1
        return true
    }

    func markEmptyAcknowledged(_ key: String) {
        guard case .inProgress = entries[key]?.state else { return }
        entries[key]?.state = .inProgress(emptyAcknowledged: true)
    }

    /// Keeps the answer's bytes for retransmissions of the request.
    func answer(_ key: String, peer: String, bytes: [UInt8], now: Int64) {
        guard case .inProgress = entries[key]?.state else { return }
        let expires = now + lifetimeNanoseconds
        entries[key] = Entry(state: .answered(bytes), expires: expires)
        expiring.append(Expiry(key: key, expires: expires))
        let remaining = inProgressByPeer[peer, default: 1] - 1
        inProgressByPeer[peer] = remaining > 0 ? remaining : nil
    }

    var count: Int { entries.count }

    private func forgetExpired(now: Int64) {
        while let first = expiring.first, first.expires <= now {
            _ = expiring.popFirst()
            if entries[first.key]?.expires == first.expires { entries[first.key] = nil }
        }
    }
}
