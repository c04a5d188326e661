import CCrypt
import Glibc

/// Password hashes made with libcrypt, as `mkpasswd -m bcrypt` and `openssl passwd -6` make them.
public enum TestHashes {
    /// `$2b$` bcrypt; cost 4 is the cheapest libcrypt accepts, 10 the usual default.
    public static func bcrypt(_ password: String, cost: UInt = 4) -> String {
        hash(password, prefix: "$2b$", count: cost)
    }

    /// `$6$` sha512-crypt with the default 5000 rounds.
    public static func sha512Crypt(_ password: String) -> String {
        hash(password, prefix: "$6$", count: 0)
    }

    /// Lowercase hex SHA-256 of `text` (sha256sum), as the registry's `sha256:` API-key hashes.
    public static func sha256Hex(_ text: String) -> String {
        let output = try? Fixtures.run("/bin/sh", ["-c", "printf %s \"$1\" | sha256sum", "sh", text])
        return String(output?.output.prefix(64) ?? "")
    }

    private static func hash(_ password: String, prefix: String, count: UInt) -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        guard crypt_gensalt_rn(prefix, count, nil, 0, &setting, Int32(setting.count)) != nil else {
            fatalError("crypt_gensalt_rn(\(prefix)) failed")
        }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let output = crypt_r(password, setting, data) else { fatalError("crypt_r(\(prefix)) failed") }
        return String(cString: output)
    }
}
