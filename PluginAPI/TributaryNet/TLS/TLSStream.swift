import COpenSSL
import Glibc
import CTributarySSL

/// TLS over a TCP connection, on the connection's loop. OpenSSL works on memory BIOs: ciphertext
/// from the socket goes into one, what OpenSSL wants sent comes out of the other, so the event
/// loop keeps the socket and OpenSSL never blocks or touches a descriptor.
public final class TLSStream: ByteStream, StreamHandler, @unchecked Sendable {
    public var loop: EventLoop { transport.loop }
    public var handler: (any StreamHandler)?
    public var remoteAddress: String { transport.remoteAddress }
    public private(set) var peerCertificates: [[UInt8]] = []
    public var pendingWriteBytes: Int { transport.pendingWriteBytes + beforeHandshake.count }

    private let transport: TCPConnection
    private let ssl: OpaquePointer
    private let incoming: OpaquePointer
    private let outgoing: OpaquePointer
    private var handshakeDone = false
    /// Why the handshake failed (OpenSSL's certificate verification result when that was the
    /// cause), for the client to report; nil while it has not failed.
    public private(set) var handshakeFailure: String?
    private var beforeHandshake: [UInt8] = []
    private var closed = false

    /// Wraps `transport` (which this stream now handles). `serverName` (clients only) is sent as
    /// SNI and verified against the server's certificate.
    public init(transport: TCPConnection, context: TLSContext, serverName: String? = nil) throws(TLSError) {
        guard let ssl = SSL_new(context.context), let incoming = BIO_new(BIO_s_mem()), let outgoing = BIO_new(BIO_s_mem()) else {
            throw TLSError("SSL_new")
        }
        self.transport = transport
        self.ssl = ssl
        self.incoming = incoming
        self.outgoing = outgoing
        SSL_set_bio(ssl, incoming, outgoing)
        if context.isServer {
            SSL_set_accept_state(ssl)
        } else {
            SSL_set_connect_state(ssl)
            if let serverName {
                // An IP literal is verified against the certificate's IP entries and is never
                // sent as SNI (RFC 6066 allows host names only).
                let verified = TLSStream.isIPAddress(serverName)
                    ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName) == 1
                    : CTributarySSL_set_tlsext_host_name(ssl, serverName) == 1 && SSL_set1_host(ssl, serverName) == 1
                guard verified else {
                    SSL_free(ssl)
                    throw TLSError("cannot set the server name \(serverName)")
                }
            }
        }
        transport.handler = self
        if !context.isServer { advance() }
    }

    deinit { SSL_free(ssl) }

    static func isIPAddress(_ name: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET, name, &storage) == 1 || inet_pton(AF_INET6, name, &storage) == 1
    }

    public func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        guard !closed else { return }
        _ = BIO_write(incoming, bytes.baseAddress, Int32(bytes.count))
        advance()
    }

    public func streamClosed(_ stream: any ByteStream) {
        closed = true
        let handler = self.handler
        self.handler = nil
        handler?.streamClosed(self)
    }

    public func streamDrained(_ stream: any ByteStream) {
        handler?.streamDrained(self)
    }

    /// Runs the handshake, then decrypts whatever complete records arrived.
    private func advance() {
        if !handshakeDone {
            let result = SSL_do_handshake(ssl)
            sendPending()
            guard result == 1 else {
                let error = SSL_get_error(ssl, result)
                if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE { fail() }
                return
            }
            handshakeDone = true
            capturePeerChain()
            if !beforeHandshake.isEmpty {
                let queued = beforeHandshake
                beforeHandshake = []
                write(queued)
            }
        }
        let buffer = loop.plaintextBuffer
        while !closed {
            let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
            if count > 0 {
                handler?.streamReceived(self, UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]))
                continue
            }
            let error = SSL_get_error(ssl, count)
            sendPending()
            if error == SSL_ERROR_ZERO_RETURN {
                transport.close()
            } else if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                fail()
            }
            return
        }
    }

    private func capturePeerChain() { peerCertificates = Self.peerChain(of: ssl) }

    /// The chain a peer presented, leaf first, as DER; empty when it presented none.
    static func peerChain(of ssl: OpaquePointer) -> [[UInt8]] {
        guard let leaf = SSL_get1_peer_certificate(ssl) else { return [] }
        var chain = [der(leaf)]
        X509_free(leaf)
        // On a server the chain excludes the leaf; on a client it includes it.
        if let presented = SSL_get_peer_cert_chain(ssl) {
            for index in 0..<CTributarySSL_sk_X509_num(presented) {
                guard let certificate = CTributarySSL_sk_X509_value(presented, index) else { continue }
                let encoded = der(certificate)
                if encoded != chain[0] { chain.append(encoded) }
            }
        }
        return chain
    }

    static func der(_ certificate: OpaquePointer) -> [UInt8] {
        let length = i2d_X509(certificate, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            _ = i2d_X509(certificate, &cursor)
        }
        return bytes
    }

    private func sendPending() {
        let buffer = loop.readBuffer
        while BIO_ctrl_pending(outgoing) > 0 {
            let count = BIO_read(outgoing, buffer.baseAddress, Int32(buffer.count))
            guard count > 0 else { break }
            transport.write(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]))
        }
    }

    /// Whether the handshake has completed (application bytes flow only after it).
    public var isHandshakeComplete: Bool { handshakeDone }

    private func fail() {
        if !handshakeDone && handshakeFailure == nil {
            let verify = SSL_get_verify_result(ssl)
            handshakeFailure = verify == Int(X509_V_OK)
                ? TLSError("TLS handshake with \(remoteAddress) failed").description
                : "certificate verification failed: \(String(cString: X509_verify_cert_error_string(verify)))"
        }
        ERR_clear_error()
        transport.close(immediately: true)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard !closed, !bytes.isEmpty else { return }
        guard handshakeDone else {
            beforeHandshake.append(contentsOf: bytes)
            return
        }
        var offset = 0
        while offset < bytes.count {
            let written = SSL_write(ssl, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, 1 << 30)))
            guard written > 0 else {
                fail()
                return
            }
            offset += Int(written)
            sendPending()
        }
    }

    public func close(immediately: Bool) {
        guard !closed else { return }
        if handshakeDone && !immediately {
            SSL_shutdown(ssl)
            sendPending()
        }
        transport.close(immediately: immediately)
    }

    public func pauseReading() { transport.pauseReading() }
    public func resumeReading() { transport.resumeReading() }
}
