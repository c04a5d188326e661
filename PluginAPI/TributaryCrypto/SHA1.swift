import COpenSSL

/// SHA-1 (FIPS 180-4) through OpenSSL's `EVP_Digest`.
///
/// Why: the WebSocket opening handshake (RFC 6455 section 4.2.2) proves the server read the
/// client's key by returning base64(SHA-1(key + GUID)). SHA-1 is broken for collision resistance,
/// so use it only where a protocol demands it, never for new integrity checks.
public enum SHA1 {
    /// The 20-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let input = Array(bytes)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { source in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(source.baseAddress, source.count, out.baseAddress, &length, EVP_sha1(), nil)
            }
        }
        // EVP_Digest fails only when OpenSSL cannot allocate or SHA-1 is not built in; neither is
        // a condition a caller could handle.
        precondition(ok == 1 && length == 20, "EVP_Digest(SHA-1) failed")
        return Array(digest.prefix(20))
    }
}
