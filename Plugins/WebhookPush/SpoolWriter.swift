import Dispatch
import Glibc
import Synchronization

/// Appends events to this instance's generation of segments with group commit: `append` (from
/// the host's deliver calls, any thread) queues a frame and returns; one writer at a time
/// writes everything queued with one write, fsyncs, and only then runs the frames' completions
/// (the device's acknowledgement). Concurrent deliveries share one fsync, so the cost of
/// durability does not grow with the event rate.
///
/// A segment is closed and a new one started once it passes `segmentBytes`. A failed write or
/// fsync fails the group (nothing acknowledged) and cuts the segment back to its last committed
/// length, so a reader never meets a half-written group between committed ones.
final class SpoolWriter: @unchecked Sendable {
    enum AppendResult: Equatable { case accepted, full, closed }
    typealias Completion = @Sendable (_ durable: Bool) -> Void

    private struct State {
        var frames: [UInt8] = []
        var completions: [Completion] = []
        /// Bytes of the group being written: not in `frames` any more, not yet in the usage.
        var writing = 0
        var flushing = false
        var closed = false
    }

    let directory: SpoolDirectory
    let generation: UInt64
    private let maxBytes: Int64
    private let segmentBytes: Int64
    private let state = Mutex(State())
    private let committedPosition: Mutex<SpoolPosition>
    private let queue = DispatchQueue(label: "tributary.webhook-push.spool-writer")
    /// Called after each commit with the new committed end (on the writer's queue).
    private let onCommit: @Sendable (SpoolPosition) -> Void
    private let onError: @Sendable (String) -> Void
    // Writer queue only.
    private var fd: Int32
    private var segment: SegmentID
    private var offset: Int64

    init(directory: SpoolDirectory, maxBytes: Int64, onCommit: @escaping @Sendable (SpoolPosition) -> Void,
         onError: @escaping @Sendable (String) -> Void) throws(FileSystem.Failure) {
        self.directory = directory
        self.maxBytes = maxBytes
        segmentBytes = min(64 << 20, max(64 << 10, maxBytes / 16))
        self.onCommit = onCommit
        self.onError = onError
        (segment, fd) = try directory.createGeneration()
        generation = segment.generation
        offset = Int64(SpoolDirectory.magic.count)
        committedPosition = Mutex(SpoolPosition(segment: segment, offset: offset))
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// The end of what is durable in this generation.
    var committed: SpoolPosition { committedPosition.withLock { $0 } }

    /// Queues `payload`; `completion` runs once it is durable (true) or failed (false).
    /// `.full` when the spool (what is on disk plus what is queued) would pass `maxBytes`.
    func append(_ payload: [UInt8], completion: @escaping Completion) -> AppendResult {
        enum Step { case closed, full, queued(startFlush: Bool) }
        let frameSize = Int64(SpoolRecord.headerSize + payload.count)
        let step: Step = state.withLock { state in
            guard !state.closed else { return .closed }
            let held = directory.usage.load(ordering: .relaxed) + Int64(state.frames.count + state.writing)
            if held + frameSize > maxBytes { return .full }
            SpoolRecord.appendFrame(payload, to: &state.frames)
            state.completions.append(completion)
            let start = !state.flushing
            state.flushing = true
            return .queued(startFlush: start)
        }
        switch step {
        case .closed: return .closed
        case .full: return .full
        case .queued(let startFlush):
            if startFlush { queue.async { self.flushQueued() } }
            return .accepted
        }
    }

    /// Refuses later appends and flushes what is queued; returns when it is durable.
    func close() {
        state.withLock { $0.closed = true }
        queue.sync {
            flushQueued()
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    /// Writes and fsyncs groups until nothing is queued. Writer queue only.
    private func flushQueued() {
        while true {
            let group: (frames: [UInt8], completions: [Completion])? = state.withLock { state in
                guard !state.completions.isEmpty else {
                    state.flushing = false
                    return nil
                }
                defer {
                    state.writing = state.frames.count
                    state.frames = []
                    state.completions = []
                }
                return (state.frames, state.completions)
            }
            guard let group else { return }
            let durable = commit(group.frames)
            state.withLock { $0.writing = 0 }
            for completion in group.completions { completion(durable) }
            if durable { onCommit(committed) }
        }
    }

    private func commit(_ frames: [UInt8]) -> Bool {
        guard fd >= 0 else { return false }
        let written = frames.withUnsafeBytes { FileSystem.writeAll(fd, $0, at: offset) }
        guard written, fdatasync(fd) == 0 else {
            onError(FileSystem.Failure("spool write to \(directory.segmentPath(segment))").description)
            if ftruncate(fd, off_t(offset)) != 0 { roll() }
            return false
        }
        offset += Int64(frames.count)
        directory.usage.add(Int64(frames.count), ordering: .relaxed)
        committedPosition.withLock { $0 = SpoolPosition(segment: segment, offset: offset) }
        if offset >= segmentBytes { roll() }
        return true
    }

    /// Starts the next segment of this generation.
    private func roll() {
        let next = SegmentID(generation: generation, index: segment.index + 1)
        do {
            let newDescriptor = try directory.createSegment(next)
            Glibc.close(fd)
            fd = newDescriptor
            segment = next
            offset = Int64(SpoolDirectory.magic.count)
            committedPosition.withLock { $0 = SpoolPosition(segment: segment, offset: offset) }
        } catch {
            onError(error.description)
        }
    }
}
