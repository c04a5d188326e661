/// The one thing a key set response's `Cache-Control` (RFC 9111 section 5.2.2) tells the
/// refresher: how long the set stays fresh. `no-cache` and `no-store` mean "ask again soon",
/// which the caller clamps to its minimum rather than refetching per token.
enum CacheControl {
    /// Seconds of freshness, or nil when the header says nothing usable.
    static func maxAge(_ header: String?) -> Int64? {
        guard let header else { return nil }
        var maxAge: Int64?
        for directive in header.split(separator: ",") {
            let trimmed = directive.trimmingCharacters(in: " \t").lowercased()
            if trimmed == "no-cache" || trimmed == "no-store" { return 0 }
            if trimmed.hasPrefix("max-age=") {
                let value = trimmed.dropFirst("max-age=".count).trimmingCharacters(in: "\"")
                maxAge = Int64(value).map { max(0, $0) }
            }
        }
        return maxAge
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}
