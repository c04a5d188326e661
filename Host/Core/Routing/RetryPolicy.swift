/// How often and how patiently the host re-delivers a batch a sink completed with TRIB_RETRY:
/// full-jitter exponential backoff, min(cap, base * 2^attempt) scaled by a random factor, so
/// retries from many devices do not arrive at a recovering consumer in lockstep.
public struct RetryPolicy: Sendable, Equatable {
    public var limit: Int = 5
    public var baseMilliseconds: Int = 50
    public var capMilliseconds: Int = 2_000

    public init() {}

    public func delayMilliseconds(attempt: Int) -> Int {
        let ceiling = min(capMilliseconds, baseMilliseconds << min(attempt, 20))
        return Int.random(in: 0...max(ceiling, 1))
    }
}
