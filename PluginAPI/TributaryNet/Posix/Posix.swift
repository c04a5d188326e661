import Glibc

/// The system calls of a TCP stream's data path, `read` and `send` (as `write`), each through one
/// wrapper: EINTR is retried, EAGAIN on a non-blocking descriptor becomes `nil` ("would
/// block"), anything else throws an `IOError`. EBADF and EFAULT are bugs in the caller, not
/// conditions to handle, so they trap. These are the calls made again and again on a live
/// descriptor, where every errno must be handled the same way. And `close` of a descriptor
/// others may have seen, whose result is ignored: on Linux the descriptor is gone even when it
/// reports EINTR, so there is nothing to retry.
///
/// The runtime's other calls are made directly where their outcome is handled, once:
/// - setting a descriptor up (`socket`, `setsockopt`, `bind`, `listen`, `getsockname`,
///   `getaddrinfo`, `connect` with its EINPROGRESS and `getsockopt(SO_ERROR)`, `eventfd`,
///   `epoll_create1`, `epoll_ctl`): a failure becomes an `IOError` of the operation (or, for
///   `epoll_ctl` MOD/DEL of a descriptor the loop owns, cannot happen); nothing to retry; a
///   descriptor closed on such an error path before anyone else saw it uses `Glibc.close`;
/// - `epoll_wait` (`EventLoop`): EINTR is one more wake-up, the loop goes round;
/// - the loop's eventfd `read`/`write`: 8 bytes on a non-blocking counter, where EAGAIN means
///   "already signalled" or "nothing pending", both fine to ignore;
/// - `accept4` (`TCPListener`, with the peer's address): EINTR and ECONNABORTED take the next
///   connection, anything else (EAGAIN, EMFILE) ends the batch until epoll reports again;
/// - UDP `recvfrom`/`sendto` (`UDPSocket`): a datagram that would block or fails is dropped,
///   UDP's contract, and the receive batch ends until epoll reports again.
public enum Posix {
    @inline(never)
    private static func call(_ name: String, _ body: () -> Int) throws(IOError) -> Int? {
        while true {
            let result = body()
            if result >= 0 { return result }
            let error = errno
            switch error {
            case EINTR: continue
            case EAGAIN: return nil
            case EBADF, EFAULT: preconditionFailure("\(name): \(String(cString: strerror(error))) (a descriptor the runtime does not own)")
            default: throw IOError(name, errno: error)
            }
        }
    }

    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(IOError) -> Int? {
        try call("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    public static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(IOError) -> Int? {
        try call("write") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
