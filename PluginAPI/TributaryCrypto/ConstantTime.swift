import COpenSSL

/// Comparisons of secrets whose time does not depend on where they differ, so a client cannot
/// learn a password or key byte by byte from response times.
public enum ConstantTime {
    /// Equal lengths and equal bytes. The length itself is not secret (hash outputs, fixed-size
    /// keys); compare digests of secrets whose length must stay private.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        let left = Array(a), right = Array(b)
        guard left.count == right.count else { return false }
        guard !left.isEmpty else { return true }
        return left.withUnsafeBytes { l in right.withUnsafeBytes { r in CRYPTO_memcmp(l.baseAddress, r.baseAddress, l.count) == 0 } }
    }
}
