import Foundation
import Glibc
import Synchronization

/// Watches one directory with inotify and calls back once changes to the names it cares about
/// have settled.
///
/// Editors and deploy tools save by writing a temporary file and renaming it over the original,
/// often several files in a row, so each event only marks the directory dirty and the callback
/// runs once nothing relevant happened for `settleMilliseconds`. Watching the directory (not the
/// file) keeps working across those renames.
public final class FileWatcher: @unchecked Sendable {
    private let descriptor: Int32
    private let isRelevant: @Sendable (String) -> Bool
    private let onChange: @Sendable () -> Void
    private let settleMilliseconds: Int64
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    /// - Parameters:
    ///   - directory: the directory to watch.
    ///   - settleMilliseconds: quiet time after the last relevant event before `onChange` runs.
    ///   - isRelevant: whether a change to this file name (no directory) matters.
    ///   - onChange: runs on the watcher's own thread.
    public init(directory: String, settleMilliseconds: Int64 = 300, isRelevant: @escaping @Sendable (String) -> Bool,
                onChange: @escaping @Sendable () -> Void) throws(FileWatcherError) {
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else { throw FileWatcherError(message: "inotify: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB)
        guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw FileWatcherError(message: "cannot watch \(directory): \(reason)")
        }
        self.settleMilliseconds = settleMilliseconds
        self.isRelevant = isRelevant
        self.onChange = onChange
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "tributary-watch"
        thread.start()
    }

    /// Stops the thread (within 100 ms) and waits for it.
    public func stop() {
        stopped.store(true, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { usleep(5_000) }
    }

    private func run() {
        defer {
            close(descriptor)
            finished.store(true, ordering: .releasing)
        }
        var buffer = [UInt8](repeating: 0, count: 8192)
        var pendingSince: Int64?
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 100)
            let length = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if length > 0, names(in: buffer, length).contains(where: isRelevant) {
                pendingSince = FileWatcher.nowMilliseconds()
            }
            if let since = pendingSince, FileWatcher.nowMilliseconds() - since >= settleMilliseconds {
                pendingSince = nil
                onChange()
            }
        }
    }

    /// The file names of the `inotify_event` records in `buffer`.
    private func names(in buffer: [UInt8], _ length: Int) -> [String] {
        var names: [String] = []
        let header = MemoryLayout<inotify_event>.size
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset + header <= length {
                let nameLength = Int(raw.loadUnaligned(fromByteOffset: offset + MemoryLayout<inotify_event>.offset(of: \.len)!, as: UInt32.self))
                let bytes = raw[(offset + header)..<min(offset + header + nameLength, length)].prefix { $0 != 0 }
                names.append(String(decoding: bytes, as: UTF8.self))
                offset += header + nameLength
            }
        }
        return names
    }

    private static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

public struct FileWatcherError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
