import TributaryNet

/// A connection without a socket: what the protocol handler writes is kept, what the test
/// `receive`s is handed to the handler, and closing tells the handler in a later loop pass, as
/// a real stream does. Loop thread only, like every `ByteStream`.
final class FakeByteStream: ByteStream, @unchecked Sendable {
    let loop: EventLoop
    var handler: (any StreamHandler)?
    let remoteAddress = "fake:1"
    let peerCertificates: [[UInt8]] = []
    var pendingWriteBytes: Int { 0 }
    private(set) var written: [UInt8] = []
    private(set) var isClosed = false

    init(loop: EventLoop) {
        self.loop = loop
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosed else { return }
        written += bytes
    }

    func close(immediately: Bool) {
        guard !isClosed else { return }
        isClosed = true
        loop.execute { [self] in
            let handler = handler
            self.handler = nil
            handler?.streamClosed(self)
        }
    }

    func pauseReading() {}
    func resumeReading() {}

    /// Bytes from the peer; none once closed.
    func receive(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        bytes.withUnsafeBytes { handler?.streamReceived(self, $0) }
    }

    /// Takes what was written so far.
    func takeWritten() -> [UInt8] {
        defer { written.removeAll() }
        return written
    }
}
