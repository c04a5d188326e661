import CTributaryLinux
import Glibc

/// Every system call the runtime makes, through one wrapper each: EINTR is retried, EAGAIN on a
/// non-blocking descriptor becomes `nil` ("would block"), anything else throws an `IOError`.
/// EBADF and EFAULT are bugs in the caller, not conditions to handle, so they trap.
public enum Posix {
    @inline(never)
    static func call(_ name: String, blocking: Bool = false, _ body: () -> Int) throws(IOError) -> Int? {
        while true {
            let result = body()
            if result >= 0 { return result }
            let error = errno
            switch error {
            case EINTR: continue
            case EAGAIN where !blocking: return nil
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

    public static func accept(_ listener: Int32) throws(IOError) -> Int32? {
        try call("accept4") { Int(CTributaryLinux_accept4(listener, nil, nil)) }.map { Int32($0) }
    }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
