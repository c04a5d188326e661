import Synchronization
import TributaryCrypto

/// How a presented secret compares with a credential's stored secrets.
enum Verification: Sendable, Equatable {
    case matched
    case mismatched
    /// The hash workers' queue is full: answer "unavailable" and let the client retry.
    case busy
    /// Refused unchecked: the credential's failure budget is spent (also "unavailable").
    case throttled
}

/// Checks a presented secret against stored secrets: fast forms inline, slow hashes through the
/// cache or, on a miss, on the hash workers. Concurrent requests for the same uncached
/// credential wait on one computation instead of each starting their own.
final class SecretVerifier: Sendable {
    typealias Completion = @Sendable (Verification) -> Void

    private let cache: CredentialCache
    private let workers: HashWorkers
    private let metrics: RegistryMetrics
    private let waiting = Mutex<[CacheKey: [Completion]]>([:])

    init(cache: CredentialCache, workers: HashWorkers, metrics: RegistryMetrics) {
        self.cache = cache
        self.workers = workers
        self.metrics = metrics
    }

    /// The verification when it is known now; nil when `later` will be called exactly once
    /// (possibly before this returns).
    ///
    /// What the cache knows is answered first: a device that logged in once keeps doing so,
    /// without waiting, while someone guesses at it, and a repeated wrong secret costs nothing.
    /// Anything else asks `admit` (the caller's failure budget) once before it costs a digest or
    /// starts a hash; joining a hash already running for the same secret costs nothing either.
    func verify(_ presented: String, against candidates: [StoredSecret], admit: () -> Bool = { true },
                later: @escaping Completion) -> Verification? {
        let keys = candidates.map { CacheKey(stored: $0, secret: presented) }
        let known = keys.map { cache.lookup($0) }
        if known.contains(true) || (!known.isEmpty && known.allSatisfy { $0 == false }) {
            metrics.cacheHits.add()
            return known.contains(true) ? .matched : .mismatched
        }
        var admitted = false
        let hasDigest = candidates.contains { if case .digest = $0 { true } else { false } }
        if hasDigest || candidates.isEmpty {
            guard admit() else { return throttled() }
            admitted = true
        }
        var presentedDigest: [UInt8]?
        var unknown: [(hash: String, key: CacheKey)] = []
        for (index, candidate) in candidates.enumerated() {
            switch candidate {
            case .digest(let stored):
                let digest = presentedDigest ?? SHA256.digest(presented)
                presentedDigest = digest
                if ConstantTime.equals(digest, stored) {
                    cache.store(keys[index], verified: true)
                    return .matched
                }
            case .crypt(let hash):
                if known[index] == nil { unknown.append((hash, keys[index])) }
            }
        }
        guard !unknown.isEmpty else { return .mismatched }
        return compute(presented, unknown, admit: { admitted || admit() }, later)
    }

    private func throttled() -> Verification {
        metrics.throttled.add()
        return .throttled
    }

    private enum Admission {
        case known(Verification)
        case joined
        case first
        case throttled
    }

    private func compute(_ presented: String, _ unknown: [(hash: String, key: CacheKey)], admit: () -> Bool,
                         _ later: @escaping Completion) -> Verification? {
        let job = unknown.count == 1 ? unknown[0].key : CacheKey(combining: unknown.map(\.key))
        let admission = waiting.withLock { waiting -> Admission in
            if waiting[job] != nil {
                waiting[job]!.append(later)
                return .joined
            }
            // A computation may have finished between the cache lookup and here: it stores its
            // outcome before it stops waiting, so looking again under this lock is enough.
            let known = unknown.map { cache.lookup($0.key) }
            if known.contains(true) { return .known(.matched) }
            if known.allSatisfy({ $0 == false }) { return .known(.mismatched) }
            guard admit() else { return .throttled }
            waiting[job] = [later]
            return .first
        }
        switch admission {
        case .known(let verification):
            metrics.cacheHits.add()
            return verification
        case .throttled:
            return throttled()
        case .joined:
            return nil
        case .first:
            let accepted = workers.submit { [self] in
                var matched = false
                for (hash, key) in unknown where !matched {
                    matched = PasswordHash.cryptMatches(presented, hash: hash)
                    metrics.hashVerifications.add()
                    cache.store(key, verified: matched)
                }
                finish(job, matched ? .matched : .mismatched)
            }
            if !accepted { finish(job, .busy) }
            return nil
        }
    }

    private func finish(_ job: CacheKey, _ verification: Verification) {
        for completion in waiting.withLock({ $0.removeValue(forKey: job) ?? [] }) { completion(verification) }
    }

    func forgetCachedOutcomes() { cache.removeAll() }
}
