/// Bytes waiting to be written, kept in chunks of ``chunkSize``.
///
/// Why not one growing array: a slow reader lets megabytes pile up, and a contiguous buffer
/// copies its whole backlog every time it doubles and touches fresh pages each time. Here
/// appending never moves queued bytes, and a chunk written out is kept for reuse, so a steady
/// backlog costs no allocation at all. Not thread-safe: one owner (a connection on its loop).
public struct ByteQueue {
    public static var chunkSize: Int { 64 * 1024 }

    /// Live chunks are `chunks[head...]`; every one but the last is full.
    private var chunks: [[UInt8]] = []
    private var head = 0
    /// Bytes of the first live chunk already consumed.
    private var headOffset = 0
    /// One emptied chunk, reused before a new one is allocated.
    private var spare: [UInt8] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var rest = bytes
        while !rest.isEmpty {
            if head == chunks.count || chunks[chunks.count - 1].count == ByteQueue.chunkSize {
                var chunk: [UInt8] = []
                swap(&chunk, &spare)
                chunk.reserveCapacity(ByteQueue.chunkSize)
                chunks.append(chunk)
            }
            let n = min(rest.count, ByteQueue.chunkSize - chunks[chunks.count - 1].count)
            chunks[chunks.count - 1].append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<n]))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
            count += n
        }
    }

    /// The oldest unconsumed bytes (contiguous, at most one chunk); valid until the next mutation.
    public func withFirstRun<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard head < chunks.count else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try chunks[head].withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[headOffset...])) }
    }

    /// Drops the oldest `n` bytes (at most ``count``).
    public mutating func consume(_ n: Int) {
        var left = min(n, count)
        count -= left
        while left > 0 {
            let available = chunks[head].count - headOffset
            guard left >= available else {
                headOffset += left
                return
            }
            left -= available
            retireHead()
        }
        if count == 0 {
            while head < chunks.count { retireHead() }
        }
    }

    public mutating func removeAll() {
        consume(count)
    }

    private mutating func retireHead() {
        var chunk: [UInt8] = []
        swap(&chunk, &chunks[head])
        head += 1
        headOffset = 0
        if spare.capacity == 0 {
            chunk.removeAll(keepingCapacity: true)
            spare = chunk
        }
        if head == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > chunks.count {
            chunks.removeFirst(head)
            head = 0
        }
    }
}
