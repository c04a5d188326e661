import COpenSSL
import CTributarySSL
import TributarySDK

/// DTLS 1.2 over one `UDPSocket` (CoAP's `coaps`): a session per peer, made only after the peer
/// returned the cookie of a HelloVerifyRequest, so a flood of spoofed ClientHellos costs one
/// reused SSL and no state. Each session's application records arrive whole, with the
/// credential its handshake proved; `send` encrypts for a peer whose session is established.
///
/// Pre-shared keys come from the host's authenticators (`PluginHost.lookupPSK`), which may
/// answer later: the client's key-exchange flight is held while its identity is looked up, then
/// given to OpenSSL, whose PSK callback finds the key ready. Sessions are bounded in number (the
/// least recently active goes when a new one needs room), in idle time and in handshake time;
/// flights OpenSSL must resend are resent from a sweep timer.
///
/// Loop thread only, except `init`.
public final class DTLSSocket: @unchecked Sendable {
    public typealias Receive = (_ plaintext: UnsafeRawBufferPointer, _ from: SocketAddress, _ credential: DTLSPeerCredential) -> Void

    public struct Limits: Sendable {
        public var maxSessions: Int
        public var idleMilliseconds: Int64
        public var handshakeMilliseconds: Int64
        /// The largest datagram sent, IP and UDP headers included.
        public var mtu: Int

        public init(maxSessions: Int, idleMilliseconds: Int64, handshakeMilliseconds: Int64, mtu: Int = 1280) {
            self.maxSessions = maxSessions
            self.idleMilliseconds = idleMilliseconds
            self.handshakeMilliseconds = handshakeMilliseconds
            self.mtu = mtu
        }
    }

    /// Counters and the sessions gauge, `tributary_plugin_<prefix>_dtls_...`, shared by every
    /// socket of an instance.
    public final class Metrics: Sendable {
        let handshakes: Metric?
        let failures: Metric?
        let sessions: Metric?

        public init(host: PluginHost, prefix: String) {
            handshakes = host.registerMetric(.counter, name: "\(prefix)_dtls_handshakes_total", help: "DTLS handshakes completed.")
            failures = host.registerMetric(.counter, name: "\(prefix)_dtls_handshake_failures_total",
                                           help: "DTLS handshakes that failed or timed out (wrong key, unknown identity, bad certificate).")
            sessions = host.registerMetric(.gauge, name: "\(prefix)_dtls_sessions", help: "DTLS sessions held (handshaking or established).")
        }
    }

    public let socket: UDPSocket
    public var loop: EventLoop { socket.loop }
    public var address: SocketAddress { socket.address }
    private let context: ReloadingTLSContext
    private let host: PluginHost
    private let limits: Limits
    private let metrics: Metrics
    private let faults: ClientFaultLog
    private var sessions: [SocketAddress: DTLSSession] = [:]
    private var handshaking: Set<SocketAddress> = []
    /// The SSL that answers peers without a session (DTLSv1_listen), until one returns a cookie.
    private var candidate: DTLSSession?
    private var onReceive: Receive?
    private var sweepTimer: UInt64?
    private var lastIdleSweep: Int64 = 0
    private static let sweepMilliseconds: Int64 = 100

    public init(socket: UDPSocket, context: ReloadingTLSContext, host: PluginHost, limits: Limits, metrics: Metrics, faults: ClientFaultLog) {
        self.socket = socket
        self.context = context
        self.host = host
        self.limits = limits
        self.metrics = metrics
        self.faults = faults
    }

    /// Starts receiving; call on the loop.
    public func start(_ onReceive: @escaping Receive) throws(IOError) {
        self.onReceive = onReceive
        try socket.start { [unowned self] _, datagram, peer in self.received(datagram, from: peer) }
        scheduleSweep()
    }

    /// Encrypts `bytes` as one record for `peer`; dropped when it has no established session
    /// (it will handshake again and retransmit).
    public func send(_ bytes: UnsafeRawBufferPointer, to peer: SocketAddress) {
        guard let session = sessions[peer], session.isEstablished, !bytes.isEmpty else { return }
        if SSL_write(session.ssl, bytes.baseAddress, Int32(bytes.count)) <= 0 {
            ERR_clear_error()
            remove(peer)
        }
    }

    /// Tells every established peer the session ends (close_notify), then closes; call on the loop.
    public func close() {
        if let sweepTimer { loop.cancelTimer(sweepTimer) }
        sweepTimer = nil
        for session in sessions.values where session.isEstablished { SSL_shutdown(session.ssl) }
        ERR_clear_error()
        metrics.sessions.add(-Int64(sessions.count))
        sessions.removeAll()
        handshaking.removeAll()
        candidate = nil
        onReceive = nil
        socket.close()
    }

    private func received(_ datagram: UnsafeRawBufferPointer, from peer: SocketAddress) {
        let now = loop.now()
        if let session = sessions[peer], !(session.isEstablished && DTLSRecords.opensHandshake(datagram)) {
            return advance(session, peer: peer, datagram: datagram, now: now)
        }
        // A new peer, or one that restarted its handshake: a session only once it has the cookie.
        listen(datagram, from: peer, now: now)
    }

    private func listen(_ datagram: UnsafeRawBufferPointer, from peer: SocketAddress, now: Int64) {
        let current = context.current
        if candidate == nil || candidate?.context !== current {
            candidate = DTLSSession(context: current, link: DTLSLink(peer: peer, socket: socket, mtu: limits.mtu), now: now)
        }
        guard let candidate else { return }
        candidate.link.peer = peer
        candidate.link.incoming = datagram
        let address = BIO_ADDR_new()
        defer { BIO_ADDR_free(address) }
        let result = DTLSv1_listen(candidate.ssl, address)
        candidate.link.incoming = nil
        ERR_clear_error()
        // 0: a HelloVerifyRequest went out, or the datagram was not a ClientHello.
        guard result == 1 else { return }
        self.candidate = nil
        if sessions[peer] != nil { remove(peer) }
        if sessions.count >= limits.maxSessions { evictLeastRecentlyActive() }
        candidate.lastActive = now
        sessions[peer] = candidate
        handshaking.insert(peer)
        metrics.sessions.add(1)
        advance(candidate, peer: peer, datagram: nil, now: now)
    }

    private func advance(_ session: DTLSSession, peer: SocketAddress, datagram: UnsafeRawBufferPointer?, now: Int64) {
        session.lastActive = now
        if !session.isEstablished {
            guard session.held == nil else { return }
            if let datagram, holdForKey(session, peer: peer, datagram: datagram) { return }
            session.link.incoming = datagram
            let result = SSL_do_handshake(session.ssl)
            guard result == 1 else {
                let error = SSL_get_error(session.ssl, result)
                session.link.incoming = nil
                if error != SSL_ERROR_WANT_READ { failHandshake(peer, "the DTLS handshake failed") }
                ERR_clear_error()
                return
            }
            session.established()
            handshaking.remove(peer)
            metrics.handshakes.add()
        } else {
            session.link.incoming = datagram
        }
        let buffer = loop.plaintextBuffer
        while let onReceive, sessions[peer] === session {
            let count = SSL_read(session.ssl, buffer.baseAddress, Int32(buffer.count))
            if count > 0, let credential = session.credential {
                onReceive(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(count)]), peer, credential)
                continue
            }
            let error = SSL_get_error(session.ssl, count)
            session.link.incoming = nil
            ERR_clear_error()
            if error == SSL_ERROR_ZERO_RETURN {
                SSL_shutdown(session.ssl)
                remove(peer)
            } else if error != SSL_ERROR_WANT_READ {
                faults.log(.debug, "dtls \(peer): session closed after a fatal record error")
                remove(peer)
            }
            return
        }
    }

    /// Holds the client's key exchange while its identity's key is looked up; true when held.
    private func holdForKey(_ session: DTLSSession, peer: SocketAddress, datagram: UnsafeRawBufferPointer) -> Bool {
        guard !session.askedForKey, let cipher = SSL_get_pending_cipher(session.ssl),
              [NID_kx_psk, NID_kx_ecdhe_psk, NID_kx_dhe_psk, NID_kx_rsa_psk].contains(SSL_CIPHER_get_kx_nid(cipher)),
              let identity = DTLSRecords.pskIdentity(in: datagram) else { return false }
        session.askedForKey = true
        session.held = Array(datagram)
        let bound = LoopBound(self, on: loop)
        let id = ObjectIdentifier(session)
        host.lookupPSK(identity: identity) { verdict in
            bound.execute { $0.keyFound(verdict, identity: identity, peer: peer, session: id) }
        }
        return true
    }

    private func keyFound(_ verdict: PSKVerdict, identity: String, peer: SocketAddress, session id: ObjectIdentifier) {
        guard let session = sessions[peer], ObjectIdentifier(session) == id, let held = session.held else { return }
        session.held = nil
        if verdict.status == .ok {
            session.link.preSharedKey = (identity, verdict.key)
        } else {
            faults.log(.info, "dtls \(peer): PSK identity '\(identity)' refused (\(verdict.status))")
        }
        held.withUnsafeBytes { advance(session, peer: peer, datagram: $0, now: loop.now()) }
    }

    private func failHandshake(_ peer: SocketAddress, _ reason: String) {
        faults.log(.info, "dtls \(peer): \(reason)")
        metrics.failures.add()
        remove(peer)
    }

    private func remove(_ peer: SocketAddress) {
        guard sessions.removeValue(forKey: peer) != nil else { return }
        handshaking.remove(peer)
        metrics.sessions.add(-1)
    }

    private func evictLeastRecentlyActive() {
        guard let oldest = sessions.min(by: { $0.value.lastActive < $1.value.lastActive })?.key else { return }
        faults.log(.info, "dtls \(oldest): session dropped to make room (max sessions reached)")
        remove(oldest)
    }

    private func scheduleSweep() {
        sweepTimer = loop.scheduleTimer(afterMilliseconds: Self.sweepMilliseconds) { [unowned self] in
            sweep()
            scheduleSweep()
        }
    }

    /// Resends flights whose timer ran out, ends handshakes past their time, and (once a second)
    /// sessions idle past theirs.
    private func sweep() {
        let now = loop.now()
        for peer in handshaking {
            guard let session = sessions[peer] else { continue }
            if now - session.startedAt > limits.handshakeMilliseconds * 1_000_000 {
                failHandshake(peer, "the DTLS handshake did not finish in time")
            } else if session.held == nil, CTributarySSL_DTLSv1_handle_timeout(session.ssl) < 0 {
                failHandshake(peer, "the DTLS handshake gave up retransmitting")
            }
        }
        ERR_clear_error()
        guard now - lastIdleSweep >= 1_000_000_000 else { return }
        lastIdleSweep = now
        let idle = sessions.filter { $0.value.isEstablished && now - $0.value.lastActive > limits.idleMilliseconds * 1_000_000 }
        for peer in idle.keys { remove(peer) }
    }
}
