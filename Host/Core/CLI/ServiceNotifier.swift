import Glibc

/// The systemd notification protocol (sd_notify(3), without linking libsystemd): with
/// `NOTIFY_SOCKET` set (a `Type=notify` unit), the host tells the service manager `READY=1` once
/// every instance has started and every listener is bound, `RELOADING=1` (with
/// `MONOTONIC_USEC`, as `Type=notify-reload` wants) while a SIGHUP reload runs, then `READY=1`
/// again, and `STOPPING=1` when it begins to drain. Each message also carries `STATUS=` for
/// `systemctl status`. Without the variable every call does nothing.
public struct ServiceNotifier: Sendable {
    private let path: [UInt8]?

    public init(environment: [String: String]) {
        guard let socket = environment["NOTIFY_SOCKET"], socket.hasPrefix("/") || socket.hasPrefix("@"), socket.utf8.count < 108 else {
            path = nil
            return
        }
        path = Array(socket.utf8)
    }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }

    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        send("RELOADING=1\nMONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)\nSTATUS=reloading")
    }

    public func stopping() { send("STOPPING=1\nSTATUS=draining") }

    /// One datagram; a lost one is not retried (systemd's own client does not either).
    private func send(_ message: String) {
        guard let path else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            // An abstract socket ('@name') starts with a NUL instead.
            if path.first == UInt8(ascii: "@") { raw[0] = 0 }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        var bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, &bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
    }
}
