import Synchronization

/// Keeps secrets out of everything the host says: log lines, `/healthz`, the `POST /reload`
/// answer and `tributary check`. The README promises secrets are never logged, and a message
/// can carry one from anywhere: a plugin refusing a key quotes its value, a connect error quotes
/// a URL.
///
/// Two kinds are hidden, each replaced by `***`: the userinfo of anything URL-shaped
/// (`scheme://user:password@host` becomes `scheme://***@host`), and every value that came from
/// `${env:}` or `${file:}` or was a URL's password in the configuration. Values shorter than
/// `minimumLength` are not registered: hiding every "1" of every message would make the logs
/// useless, and a secret that short is no secret.
public enum Redaction {
    public static let minimumLength = 4
    private static let secrets = Mutex<Set<String>>([])

    /// Remembers a configured value to hide from now on (for the life of the process: a secret
    /// rotated away may still sit in an old instance's messages).
    public static func register(secret: String) {
        guard secret.utf8.count >= minimumLength else { return }
        _ = secrets.withLock { $0.insert(secret) }
    }

    /// Registers what a configured string value hides: the password of a URL in it.
    static func registerSecrets(inValue value: String) {
        for range in userinfoRanges(value) {
            let userinfo = value[range]
            if let colon = userinfo.firstIndex(of: ":") { register(secret: String(userinfo[userinfo.index(after: colon)...])) }
        }
    }

    public static func redact(_ text: String) -> String {
        var result = text
        for range in userinfoRanges(text).reversed() { result.replaceSubrange(range, with: "***") }
        let known = secrets.withLock { $0 }
        // Longest first, so a secret containing another is hidden whole.
        for secret in known.sorted(by: { $0.utf8.count > $1.utf8.count }) where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        return result
    }

    /// The userinfo of each `scheme://userinfo@host`: what lies between `://` and an `@` before
    /// the authority ends (at `/`, `?`, `#`, whitespace or a quote).
    private static func userinfoRanges(_ text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var searchStart = text.startIndex
        while let separator = text.range(of: "://", range: searchStart..<text.endIndex) {
            let start = separator.upperBound
            var index = start
            while index < text.endIndex, !"/?#@ \t\n\"'<>".contains(text[index]) { index = text.index(after: index) }
            if index < text.endIndex, text[index] == "@", index > start { ranges.append(start..<index) }
            searchStart = index
        }
        return ranges
    }
}
