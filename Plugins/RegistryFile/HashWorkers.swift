import Foundation

/// A few threads of the instance's own for slow hashes: hooks must not block, and one bcrypt
/// takes tens of milliseconds. The queue is bounded so a flood of new credentials is refused
/// (the caller answers "unavailable") instead of growing without limit.
final class HashWorkers: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    private let condition = NSCondition()
    private let capacity: Int
    // Guarded by `condition`.
    private var queue: [Job] = []
    private var head = 0
    private var busy = 0
    private var live = 0
    private var stopping = false

    init(count: Int, capacity: Int) {
        self.capacity = capacity
        live = count
        for index in 0..<count {
            let thread = Thread { [self] in work() }
            thread.name = "tributary-hash-\(index)"
            thread.start()
        }
    }

    /// Queues `job`; false when the queue is full or the workers are stopping.
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping, queue.count - head < capacity else { return false }
        queue.append(job)
        condition.signal()
        return true
    }

    /// Waits until every queued job has run, or until the deadline (Unix milliseconds).
    func waitUntilIdle(deadlineUnixMilliseconds: Int64) {
        let deadline = Date(timeIntervalSince1970: Double(deadlineUnixMilliseconds) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while queue.count > head || busy > 0, condition.wait(until: deadline) {}
    }

    /// Stops the threads and waits for them; jobs still queued are dropped (by then the host has
    /// failed their operations and forbids late completions).
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while live > 0 { condition.wait() }
    }

    private func work() {
        condition.lock()
        defer {
            live -= 1
            condition.broadcast()
            condition.unlock()
        }
        while true {
            while queue.count == head && !stopping { condition.wait() }
            if stopping { return }
            let job = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            busy += 1
            condition.unlock()
            job()
            condition.lock()
            busy -= 1
            condition.broadcast()
        }
    }
}
