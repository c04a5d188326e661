import Synchronization
import TributaryCrypto

/// Tokens that verified, keyed by their SHA-256 digest (the token itself is never kept), so a
/// session or client that presents the same token again costs a hash and a lookup instead of a
/// signature check. Bounded: past `capacity` the oldest entry goes. An entry ends when its
/// token does; a key set refresh does not clear it (a rotated-out key does not revoke tokens
/// it signed, as with any JWT verifier that caches).
final class VerifiedTokenCache: Sendable {
    struct Digest: Hashable, Sendable {
        let a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ token: [UInt8]) {
            let bytes = SHA256.digest(token)
            func word(_ at: Int) -> UInt64 { bytes[at..<(at + 8)].reduce(0) { $0 << 8 | UInt64($1) } }
            a = word(0)
            b = word(8)
            c = word(16)
            d = word(24)
        }
    }

    private struct State {
        var entries: [Digest: (token: VerifiedToken, validUntil: Int64)] = [:]
        /// Insertion order, for eviction, bounded by `capacity`: it may name digests that already
        /// expired, so it, not `entries`, is what eviction counts.
        var order: [Digest] = []
        var head = 0
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    var isEnabled: Bool { capacity > 0 }

    var count: Int { state.withLock { $0.entries.count } }

    func lookup(_ digest: Digest, now: Int64) -> VerifiedToken? {
        state.withLock { state in
            guard let entry = state.entries[digest] else { return nil }
            guard now < entry.validUntil else {
                state.entries[digest] = nil
                return nil
            }
            return entry.token
        }
    }

    /// `validUntil`: `exp` plus the leeway, the same window verification allowed.
    func insert(_ digest: Digest, _ token: VerifiedToken, validUntil: Int64) {
        guard capacity > 0 else { return }
        state.withLock { state in
            if state.entries[digest] == nil {
                while state.order.count - state.head >= capacity {
                    state.entries[state.order[state.head]] = nil
                    state.head += 1
                }
                state.order.append(digest)
                // Compact the eviction queue once its consumed prefix dominates.
                if state.head > capacity {
                    state.order.removeFirst(state.head)
                    state.head = 0
                }
            }
            state.entries[digest] = (token, validUntil)
        }
    }
}
