/// A connected byte stream on one event loop: plain TCP or TLS over TCP. Protocol handlers
/// (HTTP, MQTT) are written against this, so TLS is a layer they never see.
/// Every member is used on the stream's loop thread only.
public protocol ByteStream: AnyObject {
    var loop: EventLoop { get }
    /// Receives the stream's bytes and its end. Held strongly by the stream.
    var handler: (any StreamHandler)? { get set }
    /// "address:port" of the peer, for logs.
    var remoteAddress: String { get }
    /// The peer's certificate chain (DER, leaf first) on a TLS stream whose client presented one.
    var peerCertificates: [[UInt8]] { get }
    /// Bytes written but not yet taken by the kernel: what a producer checks for back-pressure.
    var pendingWriteBytes: Int { get }
    func write(_ bytes: UnsafeRawBufferPointer)
    /// Closes after what was written is flushed (or at once with `immediately`).
    func close(immediately: Bool)
    /// Stops delivering bytes until `resumeReading` (the kernel buffers, then TCP pushes back).
    func pauseReading()
    func resumeReading()
}

extension ByteStream {
    public func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }
    public func close() { close(immediately: false) }
}

/// What a stream tells its protocol handler, on the stream's loop.
public protocol StreamHandler: AnyObject {
    func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer)
    /// The stream ended (peer closed, error, or `close`): called exactly once; drop the stream.
    func streamClosed(_ stream: any ByteStream)
    /// Everything written so far has been taken by the kernel.
    func streamDrained(_ stream: any ByteStream)
}

extension StreamHandler {
    public func streamDrained(_ stream: any ByteStream) {}
}
