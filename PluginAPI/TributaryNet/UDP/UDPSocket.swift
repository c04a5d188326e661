import CTributaryLinux
import Glibc

/// A bound UDP socket on one event loop (CoAP). Each datagram arrives whole with its sender;
/// replies go out with `send`. Loop thread only, except `init`.
public final class UDPSocket: Selectable, @unchecked Sendable {
    public typealias Receive = (_ socket: UDPSocket, _ datagram: UnsafeRawBufferPointer, _ from: SocketAddress) -> Void

    public let loop: EventLoop
    public let address: SocketAddress
    private let fd: Int32
    private var onReceive: Receive?

    /// `sharedPort`: SO_REUSEPORT, so that one socket per loop can bind the same address and the
    /// kernel spreads peers over them by their address and port (a peer always reaches the same
    /// socket while the set stays the same).
    public init(address: String, on loop: EventLoop, sharedPort: Bool = false) throws(IOError) {
        let parsed = try SocketAddress(address)
        let fd = socket(parsed.family, Int32(SOCK_DGRAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw IOError("socket") }
        var one: Int32 = 1
        if sharedPort && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            let error = IOError("setsockopt(SO_REUSEPORT)")
            Glibc.close(fd)
            throw error
        }
        guard parsed.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
            let error = IOError("bind \(address)")
            Glibc.close(fd)
            throw error
        }
        var actual = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &actual) { _ = getsockname(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        self.address = SocketAddress(storage: actual, length: length)
        self.fd = fd
        self.loop = loop
    }

    /// Starts receiving; call on the loop.
    public func start(_ onReceive: @escaping Receive) throws(IOError) {
        self.onReceive = onReceive
        try loop.register(fd, events: EPOLLIN.rawValue, self)
    }

    public func handleEvents(_ events: UInt32) {
        // A bounded batch per wake-up keeps one busy socket from starving its loop.
        for _ in 0..<64 {
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutableBytes(of: &peer) {
                recvfrom(fd, loop.readBuffer.baseAddress, loop.readBuffer.count, 0, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
            }
            guard count >= 0 else { return }
            onReceive?(self, UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]), SocketAddress(storage: peer, length: length))
        }
    }

    /// Sends one datagram; a full send buffer drops it (UDP's contract), which CoAP retransmits.
    public func send(_ bytes: UnsafeRawBufferPointer, to peer: SocketAddress) {
        _ = peer.withSockaddr { sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, $1) }
    }

    /// Stops receiving and closes the socket; call on the loop.
    public func close() {
        loop.deregister(fd)
        Posix.close(fd)
        onReceive = nil
    }
}
