/// How patiently something failed is tried again: full-jitter exponential backoff. The host
/// re-delivers a batch a sink answered with TRIB_RETRY by it, webhook-push re-sends a request.
///
/// Why full jitter: after an outage every sender would otherwise come back at the same moments;
/// a delay drawn uniformly from [0, min(cap, base * 2^n)] spreads them (the "full jitter" of
/// AWS's backoff study) while the expected delay still doubles.
public struct RetryPolicy: Sendable, Equatable {
    public var baseMilliseconds: Int64
    public var capMilliseconds: Int64
    /// Retries allowed after the first attempt; 0 = retry until it succeeds.
    public var limit: Int

    public init(baseMilliseconds: Int64, capMilliseconds: Int64, limit: Int) {
        self.baseMilliseconds = baseMilliseconds
        self.capMilliseconds = capMilliseconds
        self.limit = limit
    }

    /// Whether something whose attempts failed `failures` times is given up.
    public func givesUp(afterFailures failures: Int) -> Bool {
        limit > 0 && failures > limit
    }

    /// The wait before the next attempt after `failures` failed ones (1 after the first):
    /// `random` draws from [0, min(cap, base * 2^(failures - 1))].
    public func delayMilliseconds(afterFailures failures: Int,
                                  random: (ClosedRange<Int64>) -> Int64 = { Int64.random(in: $0) }) -> Int64 {
        let exponent = min(max(failures - 1, 0), 40)
        let (scaled, overflow) = baseMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        let ceiling = overflow ? capMilliseconds : min(capMilliseconds, scaled)
        return random(0...max(ceiling, 0))
    }
}
