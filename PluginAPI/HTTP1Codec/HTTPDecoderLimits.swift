/// How much one HTTP/1.1 message may make a decoder hold.
///
/// Why: every byte a decoder buffers was chosen by the peer. The decoders check these limits
/// before they grow a buffer, so one connection costs at most about
/// `maxTargetBytes + maxHeaderBytes + maxBodyBytes` plus one read's worth of pipelined bytes,
/// whatever the peer sends. Devices and webhooks send small messages; raise `maxBodyBytes` per
/// endpoint rather than for the whole server.
public struct HTTPDecoderLimits: Sendable, Hashable {
    /// Longest request target (path and query) in bytes; longer gives 414. 8192 is what common
    /// servers accept (nginx 8 KiB per line) and far above what devices send. The response
    /// decoder uses it for the status line.
    public var maxTargetBytes: Int
    /// Longest header section in bytes, every field line with its CRLF; longer gives 431. 16 KiB
    /// holds large cookies and JWT bearer tokens while bounding per-connection memory.
    /// Trailer fields of a chunked body get a budget of the same size.
    public var maxHeaderBytes: Int
    /// Most header fields (trailer fields counted with them); more gives 431. 100 matches the
    /// common server default and keeps the linear name lookups cheap.
    public var maxHeaderCount: Int
    /// Largest body in bytes; larger gives 413. 1 MiB fits any device message or webhook
    /// payload, and the decoder may reserve this much for a body its Content-Length announces.
    public var maxBodyBytes: Int
    /// Longest chunk size line (hex size and extensions). Nobody sends extensions in practice,
    /// so 1 KiB is generous; the line is buffered, so it needs its own bound.
    public var maxChunkLineBytes: Int

    /// - Parameters:
    ///   - maxTargetBytes: default 8192.
    ///   - maxHeaderBytes: default 16384.
    ///   - maxHeaderCount: default 100.
    ///   - maxBodyBytes: default 1 MiB.
    ///   - maxChunkLineBytes: default 1024.
    public init(
        maxTargetBytes: Int = 8192,
        maxHeaderBytes: Int = 16384,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1 << 20,
        maxChunkLineBytes: Int = 1024
    ) {
        precondition(maxTargetBytes > 0 && maxHeaderBytes > 0 && maxHeaderCount > 0 && maxBodyBytes >= 0 && maxChunkLineBytes > 2)
        self.maxTargetBytes = maxTargetBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
