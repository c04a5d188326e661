import Synchronization
import TributaryCrypto

/// How a presented secret compares with a credential's stored secrets.
enum Verification: Sendable, Equatable {
    case matched
    case mismatched
    /// The hash workers' queue is full: answer "unavailable" and let the client retry.
    case busy
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
    func verify(_ presented: String, against candidates: [StoredSecret], later: @escaping Completion) -> Verification? {
        var presentedDigest: [UInt8]?
        var unknown: [(hash: String, key: CacheKey)] = []
        for candidate in candidates {
            switch candidate {
            case .digest(let stored):
                let digest = presentedDigest ?? SHA256.digest(presented)
                presentedDigest = digest
                if ConstantTime.equals(digest, stored) { return .matched }
            case .crypt(let hash):
                let key = CacheKey(hash: hash, secret: presented)
                switch cache.lookup(key) {
                case true?:
                    metrics.cacheHits.add()
                    return .matched
                case false?:
                    metrics.cacheHits.add()
                case nil:
                    unknown.append((hash, key))
                }
            }
        }
        guard !unknown.isEmpty else { return .mismatched }
        return compute(presented, unknown, later)
    }

    private enum Admission {
        case known(Verification)
        case joined
        case first
    }

    private func compute(_ presented: String, _ unknown: [(hash: String, key: CacheKey)], _ later: @escaping Completion) -> Verification? {
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
            waiting[job] = [later]
            return .first
        }
        switch admission {
        case .known(let verification):
            metrics.cacheHits.add()
            return verification
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
