import Foundation
import Glibc
import Synchronization

/// The admin endpoint: `/healthz`, `/readyz`, `/metrics` (Prometheus text) and `POST /reload`,
/// on a loopback address by default, IPv4 or IPv6.
///
/// It serves operators and scrapers, a few requests a second, so it stays small: one thread
/// accepts, and each connection gets its own short-lived thread for one request. That thread is
/// what lets `/healthz` and `/metrics` answer while a `POST /reload` waits for its reload. At
/// most `maxConnections` are served at once; one more is answered 503 at once and closed, so a
/// client holding connections open cannot pile up threads. Requests are decoded and responses
/// written with the shared HTTP/1.1 codec (see ``AdminConnection`` for its limits and deadlines).
public final class AdminServer: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: String
        /// Further headers (the console's Content-Security-Policy).
        public var headers: [(String, String)]

        public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String, headers: [(String, String)] = []) {
            self.status = status
            self.contentType = contentType
            self.body = body
            self.headers = headers
        }
    }

    public typealias Handler = @Sendable (_ method: String, _ path: String) -> Response

    static let maxConnections = 16

    private let listener: Int32
    private let handler: Handler
    private let stopped = Atomic<Bool>(false)
    private let connections = Atomic<Int>(0)
    public let port: UInt16
    /// The address the socket is bound to, as `host:port` or `[v6]:port` (the real port when
    /// the configured one was 0).
    public let boundAddress: String

    /// Binds `address` (`host:port` with an IPv4 literal or `localhost`, or `[v6]:port`; port 0
    /// picks a free one).
    public init(address: String, handler: @escaping Handler) throws {
        let parsed = try AdminAddress(address)
        let fd = socket(parsed.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AdminError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var storage = parsed.storage
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, parsed.length) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AdminError("cannot listen on \(address): \(reason)")
        }
        let described = AdminAddress.describe(socket: fd)
        boundAddress = described.text
        port = described.port
        listener = fd
        self.handler = handler
    }

    public func start() {
        let thread = Thread { [self] in acceptConnections() }
        thread.name = "tributary-admin"
        thread.start()
    }

    public func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptConnections() {
        while !stopped.load(ordering: .acquiring) {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            guard connections.add(1, ordering: .acquiringAndReleasing).newValue <= Self.maxConnections else {
                connections.subtract(1, ordering: .acquiringAndReleasing)
                refuse(client)
                continue
            }
            let thread = Thread { [self] in
                AdminConnection.serve(client, handler: handler)
                close(client)
                connections.subtract(1, ordering: .acquiringAndReleasing)
            }
            thread.name = "tributary-admin-connection"
            thread.start()
        }
    }

    /// Answers 503 without reading the request or waiting for the peer: the send either fits the
    /// socket buffer of a fresh connection or is dropped.
    private func refuse(_ client: Int32) {
        var output: [UInt8] = []
        AdminConnection.encode(Response(status: 503, body: "too many admin connections\n"), into: &output)
        _ = output.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        close(client)
    }
}
