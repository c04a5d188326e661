import CTributaryLinux
import Dispatch
import Glibc

/// Opens outgoing TCP connections (webhook targets, OIDC issuers) without blocking a loop: the
/// name is resolved off the loop (getaddrinfo blocks), the non-blocking connect completes on the
/// loop, and a timer bounds the whole attempt.
public enum TCPConnector {
    public typealias Completion = (Result<TCPConnection, IOError>) -> Void

    /// Connects to `host:port`; `completion` runs exactly once, on `loop`.
    public static func connect(host: String, port: UInt16, on loop: EventLoop, timeoutMilliseconds: Int64,
                               completion: @escaping Completion) {
        let box = CompletionBox(completion)
        DispatchQueue.global().async {
            let resolved = resolve(host: host, port: port)
            loop.execute {
                switch resolved {
                case .failure(let error): box.finish(.failure(error))
                case .success(let address): Attempt(address: address, loop: loop, box: box).start(timeoutMilliseconds: timeoutMilliseconds)
                }
            }
        }
    }

    static func resolve(host: String, port: UInt16) -> Result<SocketAddress, IOError> {
        if let numeric = try? SocketAddress(host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") { return .success(numeric) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(IOError("resolve \(host): \(String(cString: gai_strerror(status)))", errno: EHOSTUNREACH))
        }
        defer { freeaddrinfo(list) }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen))) }
        return .success(SocketAddress(storage: storage, length: first.pointee.ai_addrlen))
    }

    /// One completion, whichever of connect, error and timeout comes first.
    final class CompletionBox: @unchecked Sendable {
        private var completion: Completion?
        init(_ completion: @escaping Completion) { self.completion = completion }
        func finish(_ result: Result<TCPConnection, IOError>) {
            guard let completion else {
                if case .success(let connection) = result { connection.close(immediately: true) }
                return
            }
            self.completion = nil
            completion(result)
        }
    }

    /// A connect in progress: registered for EPOLLOUT until the socket is connected or failed.
    private final class Attempt: Selectable {
        let address: SocketAddress
        let loop: EventLoop
        let box: CompletionBox
        var fd: Int32 = -1
        var timer: UInt64 = 0

        init(address: SocketAddress, loop: EventLoop, box: CompletionBox) {
            self.address = address
            self.loop = loop
            self.box = box
        }

        func start(timeoutMilliseconds: Int64) {
            fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return box.finish(.failure(IOError("socket"))) }
            let result = address.withSockaddr { Glibc.connect(fd, $0, $1) }
            if result != 0 && errno != EINPROGRESS {
                let error = IOError("connect \(address)")
                Posix.close(fd)
                return box.finish(.failure(error))
            }
            do {
                try loop.register(fd, events: EPOLLOUT.rawValue, self)
            } catch {
                Posix.close(fd)
                return box.finish(.failure(error))
            }
            timer = loop.scheduleTimer(afterMilliseconds: timeoutMilliseconds) { [self] in
                loop.deregister(fd)
                Posix.close(fd)
                box.finish(.failure(IOError("connect \(address): timed out", errno: ETIMEDOUT)))
            }
        }

        func handleEvents(_ events: UInt32) {
            loop.cancelTimer(timer)
            loop.deregister(fd)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                Posix.close(fd)
                return box.finish(.failure(IOError("connect \(address)", errno: error)))
            }
            do {
                box.finish(.success(try TCPConnection(adopting: fd, on: loop, remoteAddress: address.description)))
            } catch {
                box.finish(.failure(error))
            }
        }
    }
}
