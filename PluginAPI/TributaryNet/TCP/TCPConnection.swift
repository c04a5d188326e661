import CTributaryLinux
import Glibc

/// A non-blocking TCP connection owned by one event loop.
///
/// Reads are level-triggered, one read per wake-up, so a busy connection cannot starve the others
/// on its loop. Writes go straight to the kernel; what it does not take waits in a buffer and
/// EPOLLOUT is armed until it drains.
public final class TCPConnection: ByteStream, Selectable, @unchecked Sendable {
    public let loop: EventLoop
    public var handler: (any StreamHandler)?
    public let remoteAddress: String
    public var peerCertificates: [[UInt8]] { [] }
    private var fd: Int32
    private var outbound = ByteQueue()
    private var readingPaused = false
    private var closeWhenFlushed = false
    private var isClosed = false
    /// Runs once when the socket closes (a listener frees the connection's slot).
    var onTerminate: (() -> Void)?

    public var pendingWriteBytes: Int { outbound.count }

    /// Adopts a connected non-blocking socket; call on `loop`.
    public init(adopting fd: Int32, on loop: EventLoop, remoteAddress: String) throws(IOError) {
        self.fd = fd
        self.loop = loop
        self.remoteAddress = remoteAddress
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        do {
            try loop.register(fd, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, self)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// A loop that stops drops its handlers; their sockets must not outlive them.
    deinit {
        if fd >= 0 { Posix.close(fd) }
    }

    private var interest: UInt32 {
        var events: UInt32 = 0
        if !readingPaused { events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if pendingWriteBytes > 0 { events |= EPOLLOUT.rawValue }
        return events
    }

    public func handleEvents(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 { flush() }
        guard !isClosed else { return }
        if readingPaused {
            // Only a dead socket interrupts a pause: its bytes wait in the kernel meanwhile.
            if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { terminate() }
        } else if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readOnce()
        }
    }

    private func readOnce() {
        let result: Int?
        do {
            result = try Posix.read(fd, into: loop.readBuffer)
        } catch {
            terminate()
            return
        }
        guard let count = result else { return }
        guard count > 0 else {
            terminate()
            return
        }
        handler?.streamReceived(self, UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosed, !closeWhenFlushed, !bytes.isEmpty else { return }
        if pendingWriteBytes == 0 {
            let written: Int
            do {
                written = try Posix.write(fd, bytes) ?? 0
            } catch {
                terminate()
                return
            }
            if written == bytes.count { return }
            outbound.append(UnsafeRawBufferPointer(rebasing: bytes[written...]))
            loop.modify(fd, events: interest)
        } else {
            outbound.append(bytes)
        }
    }

    private func flush() {
        while pendingWriteBytes > 0 {
            let result: Int?
            do {
                result = try outbound.withFirstRun { try Posix.write(fd, $0) }
            } catch {
                terminate()
                return
            }
            guard let written = result, written > 0 else { break }
            outbound.consume(written)
        }
        if pendingWriteBytes == 0 {
            loop.modify(fd, events: interest)
            if closeWhenFlushed {
                terminate()
                return
            }
            handler?.streamDrained(self)
        }
    }

    public func close(immediately: Bool) {
        guard !isClosed else { return }
        if immediately || pendingWriteBytes == 0 {
            terminate()
        } else {
            closeWhenFlushed = true
        }
    }

    public func pauseReading() {
        guard !readingPaused, !isClosed else { return }
        readingPaused = true
        loop.modify(fd, events: interest)
    }

    public func resumeReading() {
        guard readingPaused, !isClosed else { return }
        readingPaused = false
        loop.modify(fd, events: interest)
    }

    /// Closes the socket and tells the handler, once.
    private func terminate() {
        guard !isClosed else { return }
        isClosed = true
        loop.deregister(fd)
        Posix.close(fd)
        fd = -1
        let handler = self.handler
        self.handler = nil
        handler?.streamClosed(self)
        onTerminate?()
        onTerminate = nil
    }
}
