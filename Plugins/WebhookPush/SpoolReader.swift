import Glibc

/// Reads the spool in order from a position, for the lease holder: segments of older
/// generations to their end (their writers have stopped), this instance's own generation up to
/// what its writer has committed. Newer generations belong to a successor and are not read.
///
/// A segment of an older generation may end in a torn record (its process died in the middle of
/// a write it never acknowledged) or, rarely, hold a corrupted one: reading that segment stops
/// there, `onDamage` is told how many bytes were skipped, and reading goes on with the next
/// segment.
final class SpoolReader {
    struct Record {
        var payload: ArraySlice<UInt8>
        /// Where the record ends: the cursor moves here once it is delivered.
        var end: SpoolPosition
    }

    private let directory: SpoolDirectory
    private let generation: UInt64
    private let onDamage: (String) -> Void
    /// The next byte to read.
    private(set) var position: SpoolPosition
    private var fd: Int32 = -1
    private var openSegment: SegmentID?
    private var buffer: [UInt8] = []
    private var bufferStart: Int64 = 0
    private static let chunk = 256 << 10

    init(directory: SpoolDirectory, generation: UInt64, from start: SpoolPosition?, onDamage: @escaping (String) -> Void) {
        self.directory = directory
        self.generation = generation
        self.onDamage = onDamage
        position = start ?? SpoolPosition(segment: SegmentID(generation: 0, index: 0), offset: 0)
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Up to `limit` records after `position`; fewer (or none) at the end of what is readable.
    /// `committed` is the end of this instance's own durable records.
    func read(limit: Int, committed: SpoolPosition) -> [Record] {
        var records: [Record] = []
        while records.count < limit {
            guard let segment = currentSegment() else { break }
            let own = segment.generation == generation
            if own && segment > committed.segment { break }
            let end: Int64
            if own && segment == committed.segment {
                end = committed.offset
            } else {
                var info = stat()
                end = fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
            }
            if position.offset >= end {
                if own && segment == committed.segment { break }
                advancePastSegment()
                continue
            }
            guard fill(from: position.offset, upTo: end, atLeast: SpoolRecord.headerSize) else {
                damaged(segment, end: end, why: "unreadable")
                continue
            }
            let local = Int(position.offset - bufferStart)
            switch SpoolRecord.readFrame(buffer, at: local) {
            case .frame(let payload, let size):
                position.offset += Int64(size)
                records.append(Record(payload: buffer[payload], end: position))
            case .incomplete(let size):
                if position.offset + Int64(size) > end {
                    // Past the readable end: torn in an older segment (ours never is: we read
                    // only committed bytes).
                    damaged(segment, end: end, why: "a torn record")
                } else if !fill(from: position.offset, upTo: end, atLeast: size) {
                    damaged(segment, end: end, why: "unreadable")
                }
            case .corrupt:
                damaged(segment, end: end, why: "a corrupt record")
            }
        }
        return records
    }

    /// The segment at `position`, opened, or the next existing one (position moved to its first
    /// record); nil when there is none.
    private func currentSegment() -> SegmentID? {
        if let openSegment, openSegment == position.segment { return openSegment }
        closeSegment()
        let candidates = directory.segments().filter { $0 >= position.segment && $0.generation <= generation }
        for segment in candidates {
            let descriptor = open(directory.segmentPath(segment), O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            let magic = FileSystem.read(descriptor, at: 0, count: SpoolDirectory.magic.count)
            guard magic == SpoolDirectory.magic else {
                close(descriptor)
                if segment.generation < generation {
                    onDamage("\(directory.segmentPath(segment)): not a spool segment, skipped")
                }
                if segment.generation == generation { return nil }  // ours, not written yet
                continue
            }
            if segment != position.segment || position.offset < Int64(SpoolDirectory.magic.count) {
                position = SpoolPosition(segment: segment, offset: Int64(SpoolDirectory.magic.count))
            }
            fd = descriptor
            openSegment = segment
            buffer = []
            bufferStart = position.offset
            return segment
        }
        return nil
    }

    /// Makes `buffer` hold at least `count` bytes from `offset` (fewer only at `end`).
    private func fill(from offset: Int64, upTo end: Int64, atLeast count: Int) -> Bool {
        let local = offset - bufferStart
        if local >= 0 && Int64(buffer.count) - local >= Int64(count) { return true }
        let wanted = Int(min(end - offset, Int64(max(count, SpoolReader.chunk))))
        guard let bytes = FileSystem.read(fd, at: offset, count: wanted) else { return false }
        buffer = bytes
        bufferStart = offset
        return true
    }

    private func damaged(_ segment: SegmentID, end: Int64, why: String) {
        if segment.generation == generation {
            onDamage("\(directory.segmentPath(segment)): \(why) at offset \(position.offset) below the committed end")
        } else {
            onDamage("\(directory.segmentPath(segment)): \(why) at offset \(position.offset); \(end - position.offset) bytes skipped")
        }
        advancePastSegment()
    }

    private func advancePastSegment() {
        let current = position.segment
        closeSegment()
        position = SpoolPosition(segment: SegmentID(generation: current.generation, index: current.index + 1), offset: 0)
        // The next segment may be of the same generation or a later one; currentSegment finds it.
    }

    private func closeSegment() {
        if fd >= 0 { close(fd) }
        fd = -1
        openSegment = nil
        buffer = []
    }
}
