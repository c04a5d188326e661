import Foundation
import Glibc
import Synchronization

/// Watches the drop-in directory with inotify and asks for a reload once changes have settled.
///
/// Editors save by writing a temporary file and renaming it over the original, and tools often
/// write several files in a row, so only events for names that count as drop-ins (`*.conf`, not
/// dotfiles or backups) matter, and the request waits until 300 ms have passed without one.
public final class DropInWatcher: @unchecked Sendable {
    private let descriptor: Int32
    private let directory: String
    private let onChange: @Sendable () -> Void
    private let stopped = Atomic<Bool>(false)
    private var thread: Thread?
    static let settleMilliseconds: Int64 = 300

    public init(directory: String, onChange: @escaping @Sendable () -> Void) throws {
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else { throw AdminError("inotify: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB)
        guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw AdminError("cannot watch \(directory): \(reason)")
        }
        self.directory = directory
        self.onChange = onChange
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "tributary-watch"
        self.thread = thread
        thread.start()
    }

    public func stop() { stopped.store(true, ordering: .releasing) }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 8192)
        var pendingSince: Int64?
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 100)
            let length = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if length > 0, containsDropIn(buffer, length) {
                pendingSince = wallClockMilliseconds()
            }
            if let since = pendingSince, wallClockMilliseconds() - since >= DropInWatcher.settleMilliseconds {
                pendingSince = nil
                onChange()
            }
        }
        close(descriptor)
    }

    private func containsDropIn(_ buffer: [UInt8], _ length: Int) -> Bool {
        var offset = 0
        var relevant = false
        let header = MemoryLayout<inotify_event>.size
        buffer.withUnsafeBytes { raw in
            while offset + header <= length {
                let nameLength = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = raw[(offset + header)..<min(offset + header + nameLength, length)].prefix { $0 != 0 }
                if DropInDirectory.isDropIn(String(decoding: nameBytes, as: UTF8.self)) { relevant = true }
                offset += header + nameLength
            }
        }
        return relevant
    }
}
