import Glibc
import Synchronization

/// A segment of the spool: generation (one per sink instance that wrote to the directory, in
/// start order) and index within it. Segments are read in this order.
struct SegmentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    var generation: UInt64
    var index: UInt64

    static func < (a: SegmentID, b: SegmentID) -> Bool {
        (a.generation, a.index) < (b.generation, b.index)
    }

    var fileName: String { "segment-\(generation)-\(index).log" }
    var description: String { fileName }

    init(generation: UInt64, index: UInt64) {
        self.generation = generation
        self.index = index
    }

    /// `segment-<generation>-<index>.log`, or nil for any other name.
    init?(fileName: String) {
        guard fileName.hasPrefix("segment-"), fileName.hasSuffix(".log") else { return nil }
        let parts = fileName.dropFirst(8).dropLast(4).split(separator: "-")
        guard parts.count == 2, let generation = UInt64(parts[0]), let index = UInt64(parts[1]) else { return nil }
        self.init(generation: generation, index: index)
    }
}

/// A place in the spool: the byte offset in a segment.
struct SpoolPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    var segment: SegmentID
    var offset: Int64

    static func < (a: SpoolPosition, b: SpoolPosition) -> Bool {
        (a.segment, a.offset) < (b.segment, b.offset)
    }

    var description: String { "\(segment.generation) \(segment.index) \(offset)" }

    init(segment: SegmentID, offset: Int64) {
        self.segment = segment
        self.offset = offset
    }

    /// Parses `description`.
    init?(text: String) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count == 3, let generation = UInt64(parts[0]), let index = UInt64(parts[1]), let offset = Int64(parts[2]),
              offset >= 0 else { return nil }
        self.init(segment: SegmentID(generation: generation, index: index), offset: offset)
    }
}

/// The spool directory (`spool_dir`): append-only segment files, the read cursor, and the lease
/// that makes one instance at a time the sender.
///
///     segment-<generation>-<index>.log   8-byte magic "TRSPOOL1", then record frames (SpoolRecord)
///     cursor                             "<generation> <index> <offset>": everything before it is
///                                        delivered (or dead-lettered)
///     lock                               flock(2) held by the instance that sends
///
/// Every instance that starts on the directory writes its own generation of segments (one above
/// any found), so the instance being replaced in a reload and its successor never write to the
/// same file, and the successor's events sort after its predecessor's. Only the lease holder
/// reads, delivers, moves the cursor and deletes delivered segments; a successor takes the lease
/// when its predecessor has drained (or died: the kernel drops a dead process's lock).
final class SpoolDirectory: Sendable {
    static let magic = Array("TRSPOOL1".utf8)

    let path: String
    /// Bytes of every segment file, as far as this instance knows (the spool's size bound).
    let usage = Atomic<Int64>(0)
    private let leaseDescriptor = Atomic<Int32>(-1)

    init(path: String) throws(FileSystem.Failure) {
        self.path = path
        try FileSystem.makeDirectories(path)
        usage.store(scanUsage(), ordering: .relaxed)
    }

    func segmentPath(_ id: SegmentID) -> String { path + "/" + id.fileName }

    /// Every segment file, in reading order.
    func segments() -> [SegmentID] {
        FileSystem.listDirectory(path).compactMap { SegmentID(fileName: $0) }.sorted()
    }

    /// The total size of the segment files.
    func scanUsage() -> Int64 {
        segments().reduce(0) { $0 + (FileSystem.size(segmentPath($1)) ?? 0) }
    }

    /// Creates the first segment of a new generation, above every generation in the directory
    /// and in the cursor; returns its id and open descriptor.
    func createGeneration() throws(FileSystem.Failure) -> (SegmentID, Int32) {
        var generation = max(segments().last.map { $0.generation + 1 } ?? 1, (readCursor()?.segment.generation ?? 0) + 1)
        while true {
            let id = SegmentID(generation: generation, index: 0)
            do {
                return (id, try createSegment(id))
            } catch {
                guard error.errno == EEXIST else { throw error }
                generation += 1
            }
        }
    }

    /// Creates a segment file (it must not exist), writes the magic and makes both durable.
    func createSegment(_ id: SegmentID) throws(FileSystem.Failure) -> Int32 {
        let fd = open(segmentPath(id), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.Failure("cannot create \(segmentPath(id))") }
        guard SpoolDirectory.magic.withUnsafeBytes({ FileSystem.writeAll(fd, $0, at: 0) }), fsync(fd) == 0 else {
            let failure = FileSystem.Failure("cannot write \(segmentPath(id))")
            close(fd)
            unlink(segmentPath(id))
            throw failure
        }
        FileSystem.syncDirectory(path)
        usage.add(Int64(SpoolDirectory.magic.count), ordering: .relaxed)
        return fd
    }

    func deleteSegment(_ id: SegmentID) {
        let size = FileSystem.size(segmentPath(id)) ?? 0
        if unlink(segmentPath(id)) == 0 { usage.subtract(size, ordering: .relaxed) }
    }

    func readCursor() -> SpoolPosition? {
        let fd = open(path + "/cursor", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let bytes = FileSystem.read(fd, at: 0, count: 128) else { return nil }
        return SpoolPosition(text: String(decoding: bytes, as: UTF8.self))
    }

    @discardableResult
    func writeCursor(_ position: SpoolPosition) -> Bool {
        FileSystem.replace(path + "/cursor", with: Array("\(position)\n".utf8))
    }

    /// Takes the sender lease without waiting; true when this instance holds it.
    func tryLease() -> Bool {
        if leaseDescriptor.load(ordering: .acquiring) >= 0 { return true }
        let fd = open(path + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return false
        }
        leaseDescriptor.store(fd, ordering: .releasing)
        return true
    }

    func releaseLease() {
        let fd = leaseDescriptor.exchange(-1, ordering: .acquiringAndReleasing)
        if fd >= 0 { close(fd) }
    }
}
