import CCrypt
import Glibc
import TributaryCrypto

/// A secret as the registry keeps it in memory: never the clear text.
enum StoredSecret: Sendable, Equatable {
    /// SHA-256 of a plain password, or an API key's `sha256:<hex>`. Compared digest against
    /// digest in constant time, which also keeps the secret's length from showing in timing.
    case digest([UInt8])
    /// A crypt(3) hash: bcrypt (`$2a$`, `$2b$`, `$2y$`) or sha512-crypt (`$6$`). Slow by design,
    /// so it is verified on the hash workers and its outcome cached.
    case crypt(String)
}

/// Reading the stored forms and checking a presented secret against them.
enum PasswordHash {
    static func plain(_ password: String) -> StoredSecret { .digest(SHA256.digest(password)) }

    /// Checks the shape only: running crypt at load time would cost a full hash per credential.
    static func bcrypt(_ hash: String) -> StoredSecret? {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2y$"),
              bytes[6] == UInt8(ascii: "$"), let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
              (4...31).contains(cost), bytes[7...].allSatisfy(isCryptAlphabet)
        else { return nil }
        return .crypt(hash)
    }

    /// `$6$[rounds=N$]salt$digest` with a salt of at most 16 characters and an 86-character digest.
    static func sha512Crypt(_ hash: String) -> StoredSecret? {
        guard hash.hasPrefix("$6$") else { return nil }
        var parts = hash.dropFirst(3).split(separator: "$", omittingEmptySubsequences: false)
        if let first = parts.first, first.hasPrefix("rounds=") {
            guard parts.count == 3, Int(first.dropFirst(7)) != nil else { return nil }
            parts.removeFirst()
        }
        guard parts.count == 2, parts[0].utf8.count <= 16, !parts[0].contains(":"),
              parts[1].utf8.count == 86, parts[1].utf8.allSatisfy(isCryptAlphabet)
        else { return nil }
        return .crypt(hash)
    }

    /// An API key's stored form: `sha256:<64 hex digits>`, or a bcrypt or sha512-crypt hash.
    static func apiKey(_ stored: String) -> StoredSecret? {
        if stored.hasPrefix("sha256:") {
            guard let digest = Hex.decode(String(stored.dropFirst(7))), digest.count == SHA256.byteCount else { return nil }
            return .digest(digest)
        }
        return bcrypt(stored) ?? sha512Crypt(stored)
    }

    /// Whether `presented` hashes to `hash` with crypt(3). Slow: call from a hash worker only.
    static func cryptMatches(_ presented: String, hash: String) -> Bool {
        // crypt(3) takes C strings and would stop at a NUL, accepting a truncated secret.
        guard !presented.utf8.contains(0) else { return false }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let output = crypt_r(presented, hash, data) else { return false }
        let computed = UnsafeRawBufferPointer(start: output, count: strlen(output))
        return ConstantTime.equals(computed, Array(hash.utf8))
    }

    private static func isCryptAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): true
        default: false
        }
    }
}
