import CTributaryLinux
import Foundation
import Glibc
import Synchronization
import TributarySDK

/// One thread running epoll: it owns the descriptors registered with it and runs their handlers,
/// its timers, and the tasks other threads hand it, all on that one thread. Protocol code written
/// for a loop never locks: anything from elsewhere (a sink's completion, an authenticator's
/// answer) arrives through `execute`, the cross-thread handoff.
public final class EventLoop: @unchecked Sendable {
    public let name: String
    /// What the loop's timers measure time with.
    public let clock: any MonotonicClock
    private let epoll: Int32
    private let wakeup: Int32
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let threadID = Atomic<UInt>(0)
    // Loop thread only.
    private var handlers: [Int32: any Selectable] = [:]
    private var timers = TimerHeap()
    private var nextTimerID: UInt64 = 1
    /// The tasks being run, swapped out of `tasks`.
    private var running: [@Sendable () -> Void] = []

    /// One shared read buffer per loop: reads happen one at a time on this thread, and protocol
    /// decoders copy what they keep.
    var readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// The same for decrypted bytes, which TLS produces while `readBuffer` still holds ciphertext.
    var plaintextBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    public init(name: String, clock: any MonotonicClock = SystemMonotonicClock()) throws(IOError) {
        self.name = name
        self.clock = clock
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw IOError("epoll_create1") }
        wakeup = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeup >= 0 else {
            Glibc.close(epoll)
            throw IOError("eventfd")
        }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeup
        epoll_ctl(epoll, EPOLL_CTL_ADD, wakeup, &event)
    }

    deinit {
        readBuffer.deallocate()
        plaintextBuffer.deallocate()
        Glibc.close(wakeup)
        Glibc.close(epoll)
    }

    /// Starts the loop's thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
        while threadID.load(ordering: .acquiring) == 0 { usleep(100) }
    }

    /// Stops the loop after the tasks already queued, and waits for its thread to end. TCP
    /// connections still registered are closed (their handlers told), other handlers dropped.
    public func stop() {
        guard !inEventLoop else { preconditionFailure("an event loop cannot stop itself from its own thread") }
        stopped.store(true, ordering: .releasing)
        wake()
        while !finished.load(ordering: .acquiring) { usleep(1_000) }
    }

    public var inEventLoop: Bool { threadID.load(ordering: .acquiring) == UInt(bitPattern: Int(bitPattern: pthread_self())) }

    /// Runs `task` on the loop's thread, soon; safe from any thread. From the loop itself it still
    /// runs later, never re-entrantly.
    ///
    /// Only the task that finds the queue empty wakes the loop (one eventfd write per burst, not
    /// per task), and the loop's own tasks need no wake: it looks at the queue before it waits.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let first = tasks.withLock { queue in
            queue.append(task)
            return queue.count == 1
        }
        if first && !inEventLoop { wake() }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeup, &one, 8)
    }

    /// Calls `action` on the loop after `milliseconds` of the loop's clock; loop thread only.
    /// Returns an id for `cancelTimer`.
    @discardableResult
    public func scheduleTimer(afterMilliseconds milliseconds: Int64, _ action: @escaping () -> Void) -> UInt64 {
        precondition(inEventLoop, "timers belong to their loop's thread")
        let id = nextTimerID
        nextTimerID += 1
        timers.insert(.init(deadline: now() + milliseconds * 1_000_000, id: id, action: action))
        return id
    }

    public func cancelTimer(_ id: UInt64) {
        precondition(inEventLoop, "timers belong to their loop's thread")
        timers.cancel(id)
    }

    func register(_ fd: Int32, events: UInt32, _ handler: any Selectable) throws(IOError) {
        precondition(inEventLoop, "descriptors belong to their loop's thread")
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { throw IOError("epoll_ctl(ADD)") }
        handlers[fd] = handler
    }

    func modify(_ fd: Int32, events: UInt32) {
        precondition(inEventLoop, "descriptors belong to their loop's thread")
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event)
    }

    /// Removes the descriptor from the loop (it must still be open).
    func deregister(_ fd: Int32) {
        precondition(inEventLoop, "descriptors belong to their loop's thread")
        epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nil)
        handlers[fd] = nil
    }

    /// The loop's clock, in nanoseconds: what timer deadlines are measured against.
    public func now() -> Int64 { clock.nanoseconds() }

    private func run() {
        threadID.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .releasing)
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer {
            events.deallocate()
            // Connections still open are closed, so their handlers see the end (a protocol
            // session cleans up, an MQTT device's will goes out) and no client is left connected
            // to a socket nobody serves. Dropping them would not even close the descriptor: a
            // stream and its handler hold each other until the stream closes.
            for case let connection as TCPConnection in Array(handlers.values) { connection.close(immediately: true) }
            handlers.removeAll()
            finished.store(true, ordering: .releasing)
        }
        while !stopped.load(ordering: .acquiring) {
            var timeout: Int32 = -1
            if let deadline = timers.nextDeadline() {
                timeout = Int32(clamping: max(0, (deadline - now() + 999_999) / 1_000_000))
            }
            // Tasks queued by the loop itself (or while it ran tasks) did not wake it.
            if tasks.withLock({ !$0.isEmpty }) { timeout = 0 }
            let count = epoll_wait(epoll, events, Int32(capacity), timeout)
            if count > 0 {
                for index in 0..<Int(count) {
                    let fd = events[index].data.fd
                    if fd == wakeup {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeup, &value, 8)
                        continue
                    }
                    handlers[fd]?.handleEvents(events[index].events)
                }
            }
            for timer in timers.popDue(now: now()) { timer.action() }
            // Swapped with the spare array, so neither side reallocates per iteration.
            tasks.withLock { swap(&$0, &running) }
            for task in running { task() }
            running.removeAll(keepingCapacity: true)
        }
    }
}
