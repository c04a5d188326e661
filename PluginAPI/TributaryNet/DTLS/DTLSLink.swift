import COpenSSL
import CTributarySSL
import Glibc

/// What OpenSSL's callbacks for one DTLS peer reach through the SSL's BIO: the peer's address
/// (the cookie is bound to it), the datagram being handled, the socket its records leave by, and
/// the pre-shared key found for the identity it named.
///
/// The BIO gives OpenSSL's record layer datagram semantics over a socket the event loop owns:
/// a read returns the one datagram being handled (or "retry": wait for the next), and every
/// record OpenSSL writes leaves as a datagram of its own (a memory BIO would run a flight's
/// records together and lose their boundaries). Loop thread only, like its session.
final class DTLSLink {
    var peer: SocketAddress
    let socket: UDPSocket
    let mtu: Int
    var incoming: UnsafeRawBufferPointer?
    var preSharedKey: (identity: String, key: [UInt8])?

    init(peer: SocketAddress, socket: UDPSocket, mtu: Int) {
        self.peer = peer
        self.socket = socket
        self.mtu = mtu
    }

    deinit { wipeKey() }

    func wipeKey() {
        preSharedKey?.key.withUnsafeMutableBytes { if let base = $0.baseAddress { _ = memset(base, 0, $0.count) } }
        preSharedKey = nil
    }

    /// A BIO reading from and writing through this link; the link must outlive it (its session
    /// frees the SSL, and with it the BIO, first).
    func makeBIO() -> OpaquePointer? {
        guard let bio = BIO_new(datagramMethod) else { return nil }
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        BIO_set_init(bio, 1)
        return bio
    }

    static func of(_ bio: OpaquePointer?) -> DTLSLink? {
        guard let bio, let data = BIO_get_data(bio) else { return nil }
        return Unmanaged<DTLSLink>.fromOpaque(data).takeUnretainedValue()
    }

    static func of(ssl: OpaquePointer?) -> DTLSLink? { of(SSL_get_rbio(ssl)) }

    /// IPv4's and UDP's headers: what a datagram's records may fill is `mtu` less these.
    static let udpOverhead = 28
}

nonisolated(unsafe) private let datagramMethod: OpaquePointer = {
    let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tributary datagram")!
    BIO_meth_set_write(method, datagramWrite)
    BIO_meth_set_read(method, datagramRead)
    BIO_meth_set_ctrl(method, datagramControl)
    return method
}()

private func datagramWrite(_ bio: OpaquePointer?, _ bytes: UnsafePointer<CChar>?, _ count: Int32) -> Int32 {
    guard let link = DTLSLink.of(bio), let bytes, count > 0 else { return 0 }
    link.socket.send(UnsafeRawBufferPointer(start: bytes, count: Int(count)), to: link.peer)
    return count
}

private func datagramRead(_ bio: OpaquePointer?, _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int32) -> Int32 {
    guard let bio, let link = DTLSLink.of(bio), let buffer else { return -1 }
    CTributarySSL_BIO_clear_retry_flags(bio)
    guard let datagram = link.incoming, let base = datagram.baseAddress, datagram.count > 0 else {
        CTributarySSL_BIO_set_retry_read(bio)
        return -1
    }
    link.incoming = nil
    let count = min(datagram.count, Int(capacity))
    UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: count)
    return Int32(count)
}

private func datagramControl(_ bio: OpaquePointer?, _ command: Int32, _ argument: Int, _ pointer: UnsafeMutableRawPointer?) -> Int {
    switch command {
    case BIO_CTRL_FLUSH: return 1
    case BIO_CTRL_PENDING: return DTLSLink.of(bio)?.incoming?.count ?? 0
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD: return DTLSLink.udpOverhead
    case BIO_CTRL_DGRAM_QUERY_MTU: return (DTLSLink.of(bio)?.mtu ?? 1280) - DTLSLink.udpOverhead
    default: return 0
    }
}
