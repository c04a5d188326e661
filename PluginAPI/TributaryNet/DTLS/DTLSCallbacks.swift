import COpenSSL
import Glibc
import TributaryCrypto

/// The DTLS server's OpenSSL callbacks: stateless cookies (RFC 6347 section 4.2.1) and the
/// pre-shared key of the identity a client names. Each finds its peer through the SSL's BIO
/// (`DTLSLink`).
enum DTLSCallbacks {
    static func install(on context: OpaquePointer) {
        SSL_CTX_set_cookie_generate_cb(context, generateCookie)
        SSL_CTX_set_cookie_verify_cb(context, verifyCookie)
        SSL_CTX_set_psk_server_callback(context, serverKey)
    }

    /// HMAC-SHA256 of the peer's address under a secret of this process: a peer that cannot
    /// receive at its address never gets one, and the server keeps nothing until it comes back.
    static func cookie(for peer: SocketAddress) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let address = Array(peer.description.utf8)
        cookieSecret.withUnsafeBytes { secret in
            _ = HMAC(EVP_sha256(), secret.baseAddress, Int32(secret.count), address, address.count, &digest, &length)
        }
        return Array(digest.prefix(Int(length)))
    }
}

private let cookieSecret: [UInt8] = {
    var secret = [UInt8](repeating: 0, count: 32)
    guard RAND_bytes(&secret, Int32(secret.count)) == 1 else { fatalError("RAND_bytes failed: no entropy for DTLS cookies") }
    return secret
}()

private func generateCookie(_ ssl: OpaquePointer?, _ cookie: UnsafeMutablePointer<UInt8>?, _ length: UnsafeMutablePointer<UInt32>?) -> Int32 {
    guard let link = DTLSLink.of(ssl: ssl), let cookie, let length else { return 0 }
    let value = DTLSCallbacks.cookie(for: link.peer)
    cookie.update(from: value, count: value.count)
    length.pointee = UInt32(value.count)
    return 1
}

private func verifyCookie(_ ssl: OpaquePointer?, _ cookie: UnsafePointer<UInt8>?, _ length: UInt32) -> Int32 {
    guard let link = DTLSLink.of(ssl: ssl), let cookie else { return 0 }
    return ConstantTime.equals(UnsafeBufferPointer(start: cookie, count: Int(length)), DTLSCallbacks.cookie(for: link.peer)) ? 1 : 0
}

/// The key looked up before the handshake reached this point (`DTLSSocket` holds the client's
/// key exchange until the lookup answered); 0 (unknown identity, the handshake fails with an
/// alert) when there is none for this identity.
private func serverKey(_ ssl: OpaquePointer?, _ identity: UnsafePointer<CChar>?, _ key: UnsafeMutablePointer<UInt8>?, _ capacity: UInt32) -> UInt32 {
    guard let link = DTLSLink.of(ssl: ssl), let identity, let key, let found = link.preSharedKey,
          found.identity == String(cString: identity), !found.key.isEmpty, found.key.count <= Int(capacity) else { return 0 }
    key.update(from: found.key, count: found.key.count)
    return UInt32(found.key.count)
}
