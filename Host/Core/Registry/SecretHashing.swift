import CCrypt
import Foundation
import TributaryCrypto

/// The secrets `tributary registry` makes and the hashes it stores instead of them, in the forms
/// the registry-file plugin verifies: bcrypt (cost 10) or sha512-crypt for device passwords,
/// `sha256:<hex>` for API keys (high-entropy keys need no slow hash, and are checked without a
/// cache). Random bytes come from the kernel (`getrandom`, Swift's system generator).
enum SecretHashing {
    enum Scheme: String {
        case bcrypt, sha512
    }

    struct HashError: Error, CustomStringConvertible {
        var description: String
    }

    static func hash(password: String, scheme: Scheme) throws(HashError) -> String {
        var salt = [CChar](repeating: 0, count: 64)
        let prefix = scheme == .bcrypt ? "$2b$" : "$6$"
        guard crypt_gensalt_rn(prefix, scheme == .bcrypt ? 10 : 0, nil, 0, &salt, Int32(salt.count)) != nil else {
            throw HashError(description: "cannot make a \(scheme.rawValue) salt")
        }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let hashed = crypt_r(password, salt, data), hashed.pointee != 0x2A else {
            throw HashError(description: "\(scheme.rawValue) hashing failed")
        }
        return String(cString: hashed)
    }

    static func apiKeyHash(_ key: String) -> String {
        "sha256:" + Hex.encode(SHA256.digest(key))
    }

    /// `bytes` random bytes as base64url without padding: a password or an API key.
    static func randomSecret(bytes: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(raw).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }
}
