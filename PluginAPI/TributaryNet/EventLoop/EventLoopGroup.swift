import Glibc
import Synchronization

/// A fixed set of event loops, one thread each (one per core by default). New connections are
/// spread over them round-robin; a connection then lives on its loop until it closes.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let cursor = Atomic<Int>(0)

    /// `count` 0 means one loop per online core.
    public init(name: String, count: Int = 0) throws(IOError) {
        let wanted = count > 0 ? count : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var loops: [EventLoop] = []
        for index in 0..<wanted {
            loops.append(try EventLoop(name: "\(name)-\(index)"))
        }
        self.loops = loops
        for loop in loops { loop.start() }
    }

    public func next() -> EventLoop {
        loops[cursor.add(1, ordering: .relaxed).oldValue % loops.count]
    }

    public func stop() {
        for loop in loops { loop.stop() }
    }
}
