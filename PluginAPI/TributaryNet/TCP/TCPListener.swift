import CTributaryLinux
import Glibc
import Synchronization

/// A listening TCP socket. It accepts on one loop and hands each connection to the next loop of a
/// group, where `onAccept` builds its stream and handler; beyond `maxConnections` open
/// connections, new ones are closed at once (a client cannot exhaust descriptors or memory).
public final class TCPListener: Selectable, @unchecked Sendable {
    public typealias AcceptHandler = @Sendable (_ connection: TCPConnection) -> Void

    public let address: SocketAddress
    private let fd: Int32
    private let group: EventLoopGroup
    private let acceptLoop: EventLoop
    private let onAccept: AcceptHandler
    private let maxConnections: Int
    private let open = Atomic<Int>(0)

    /// Binds and listens; accepting starts with `start()`.
    public init(address: String, group: EventLoopGroup, maxConnections: Int = 100_000, backlog: Int32 = 1024,
                onAccept: @escaping AcceptHandler) throws(IOError) {
        let parsed = try SocketAddress(address)
        let fd = socket(parsed.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw IOError("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = parsed.withSockaddr { bind(fd, $0, $1) }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let error = IOError("listen on \(address)")
            Glibc.close(fd)
            throw error
        }
        var actual = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &actual) { _ = getsockname(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length) }
        self.address = SocketAddress(storage: actual, length: length)
        self.fd = fd
        self.group = group
        self.maxConnections = maxConnections
        self.onAccept = onAccept
        acceptLoop = group.next()
    }

    public var port: UInt16 { address.port }

    public func start() {
        acceptLoop.execute { [self] in
            do {
                try acceptLoop.register(fd, events: EPOLLIN.rawValue, self)
            } catch {
                Posix.close(fd)
            }
        }
    }

    /// Stops accepting and closes the socket; established connections stay.
    public func stop() {
        let done = Atomic<Bool>(false)
        acceptLoop.execute { [self] in
            acceptLoop.deregister(fd)
            Posix.close(fd)
            done.store(true, ordering: .releasing)
        }
        while !done.load(ordering: .acquiring) { usleep(1_000) }
    }

    /// Open connections accepted here.
    public var openConnections: Int { open.load(ordering: .relaxed) }

    public func handleEvents(_ events: UInt32) {
        while true {
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutableBytes(of: &peer) {
                CTributaryLinux_accept4(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length)
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            guard open.add(1, ordering: .relaxed).newValue <= maxConnections else {
                open.subtract(1, ordering: .relaxed)
                Posix.close(client)
                continue
            }
            let remote = SocketAddress(storage: peer, length: length).description
            let loop = group.next()
            let onAccept = onAccept
            loop.execute { [self] in
                do {
                    let connection = try TCPConnection(adopting: client, on: loop, remoteAddress: remote)
                    connection.onTerminate = { [self] in open.subtract(1, ordering: .relaxed) }
                    onAccept(connection)
                } catch {
                    open.subtract(1, ordering: .relaxed)
                }
            }
        }
    }
}
