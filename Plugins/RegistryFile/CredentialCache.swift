import Synchronization
import TributaryCrypto

/// Names one (stored hash, presented secret) pair without keeping the secret: SHA-256 over both,
/// the hash length-prefixed so no two pairs give the same input.
struct CacheKey: Hashable, Sendable {
    private let words: SIMD4<UInt64>

    init(hash: String, secret: String) {
        var hash = hash
        self = hash.withUTF8 { Self(hashBytes: UnsafeRawBufferPointer($0), secret: secret) }
    }

    private init(hashBytes h: UnsafeRawBufferPointer, secret: String) {
        var secret = secret
        words = secret.withUTF8 { s in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8 + h.count + s.count) { buffer in
                withUnsafeBytes(of: UInt64(h.count).littleEndian) { length in
                    _ = UnsafeMutableRawBufferPointer(buffer).initializeMemory(as: UInt8.self, from: length)
                }
                _ = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[8...]).initializeMemory(as: UInt8.self, from: h)
                _ = UnsafeMutableBufferPointer(rebasing: buffer[(8 + h.count)...]).initialize(from: s)
                return Self.words(SHA256.digest(UnsafeRawBufferPointer(buffer)))
            }
        }
    }

    /// The key of a secret against any stored form. A digest is named by `sha256:` and its raw
    /// bytes (no hex text per request); crypt hashes start with `$`, so the two never meet.
    init(stored: StoredSecret, secret: String) {
        switch stored {
        case .crypt(let hash): self.init(hash: hash, secret: secret)
        case .digest(let digest):
            let named = Array("sha256:".utf8) + digest
            self = named.withUnsafeBytes { Self(hashBytes: $0, secret: secret) }
        }
    }

    /// One key for a set of keys: the set of slow hashes one request waits on.
    init(combining keys: [CacheKey]) {
        words = keys.withUnsafeBytes { Self.words(SHA256.digest($0)) }
    }

    private static func words(_ digest: [UInt8]) -> SIMD4<UInt64> {
        digest.withUnsafeBytes { $0.loadUnaligned(as: SIMD4<UInt64>.self) }
    }
}

/// The outcomes of slow hash verifications, so bcrypt and sha512-crypt run once per distinct
/// credential rather than once per request. Outcomes are pure functions of the key (the stored
/// hash and the secret), so a failure is kept too: a device retrying a wrong password costs one
/// hash, not one per attempt.
///
/// Bounded by two generations of `capacity / 2` entries: a hit in the older one moves the entry
/// to the newer one, and when the newer one fills up it becomes the older one and the oldest
/// generation is dropped. That evicts roughly least-recently-used entries at O(1) cost.
final class CredentialCache: Sendable {
    private struct Generations {
        var recent: [CacheKey: Bool] = [:]
        var older: [CacheKey: Bool] = [:]
    }

    private let generations = Mutex(Generations())
    private let generationSize: Int

    init(capacity: Int) {
        generationSize = max(1, capacity / 2)
    }

    /// True: verified; false: known wrong; nil: not known.
    func lookup(_ key: CacheKey) -> Bool? {
        generations.withLock { g in
            if let known = g.recent[key] { return known }
            guard let known = g.older.removeValue(forKey: key) else { return nil }
            insert(key, known, into: &g)
            return known
        }
    }

    func store(_ key: CacheKey, verified: Bool) {
        generations.withLock { insert(key, verified, into: &$0) }
    }

    func removeAll() {
        generations.withLock { $0 = Generations() }
    }

    var count: Int { generations.withLock { $0.recent.count + $0.older.count } }

    private func insert(_ key: CacheKey, _ verified: Bool, into g: inout Generations) {
        g.recent[key] = verified
        if g.recent.count >= generationSize {
            g.older = g.recent
            g.recent = [:]
        }
    }
}
