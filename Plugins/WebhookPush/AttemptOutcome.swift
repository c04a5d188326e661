import Glibc
import TributaryNet
import TributarySDK

/// What one request's result means for the events it carried (when to try again is the SDK's
/// `RetryPolicy`, unless the server said so in `Retry-After`).
enum AttemptOutcome: Equatable, Sendable {
    /// 2xx: delivered.
    case delivered
    /// 5xx, 408, 429, a timeout or a connection failure: send again later. `afterMilliseconds`
    /// is the server's `Retry-After` (honoured for 429 and 503).
    case retry(reason: String, afterMilliseconds: Int64?)
    /// Any other status (4xx, and 1xx/3xx, which a webhook never means): the consumer refused
    /// the events; they are not retried but written to the dead-letter file.
    case rejected(status: Int, reason: String)
    /// The client shut down under the request (drain): the events were not delivered.
    case abandoned
}

extension AttemptOutcome {
    /// The longest `Retry-After` honoured, so a wrong header cannot park events for days.
    static let maxRetryAfterMilliseconds: Int64 = 3_600_000

    static func classify(_ result: Result<HTTPClientResponse, HTTPClientError>,
                         nowUnixSeconds: Int64 = Int64(time(nil))) -> AttemptOutcome {
        switch result {
        case .success(let response):
            let status = response.status
            switch status {
            case 200..<300:
                return .delivered
            case 429, 503:
                let after = response.headers["Retry-After"].flatMap { retryAfterMilliseconds($0, nowUnixSeconds: nowUnixSeconds) }
                return .retry(reason: "HTTP \(status)", afterMilliseconds: after)
            case 408, 500...:
                return .retry(reason: "HTTP \(status)", afterMilliseconds: nil)
            default:
                return .rejected(status: status, reason: "HTTP \(status) \(response.reason)")
            }
        case .failure(.shutdown):
            return .abandoned
        case .failure(.invalidRequest(let reason)):
            return .rejected(status: 0, reason: "cannot encode the request: \(reason)")
        case .failure(let error):
            return .retry(reason: error.description, afterMilliseconds: nil)
        }
    }

    /// `Retry-After` (RFC 9110 section 10.2.3): delay-seconds, or an HTTP-date (IMF-fixdate)
    /// turned into the time left from `nowUnixSeconds`, at most `maxRetryAfterMilliseconds`.
    /// Nil when it is neither.
    static func retryAfterMilliseconds(_ value: String, nowUnixSeconds: Int64) -> Int64? {
        let text = value.trimmingBlanks()
        if !text.isEmpty, text.utf8.allSatisfy({ $0 &- 0x30 < 10 }) {
            guard let seconds = Int64(text.prefix(12)) else { return nil }
            return min(seconds * 1000, maxRetryAfterMilliseconds)
        }
        guard let date = parseIMFFixdate(text) else { return nil }
        return min(max(0, date - nowUnixSeconds) * 1000, maxRetryAfterMilliseconds)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` as Unix seconds.
    static func parseIMFFixdate(_ text: String) -> Int64? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT",
              let day = Int32(parts[1]), let year = Int32(parts[3]),
              let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(of: String(parts[2]))
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let hour = Int32(clock[0]), let minute = Int32(clock[1]), let second = Int32(clock[2]),
              (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var fields = tm()
        fields.tm_year = year - 1900
        fields.tm_mon = Int32(month)
        fields.tm_mday = day
        fields.tm_hour = hour
        fields.tm_min = minute
        fields.tm_sec = second
        return Int64(timegm(&fields))
    }
}
