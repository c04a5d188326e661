/// Timers of one event loop, ordered by deadline (a binary min-heap). Loop thread only.
///
/// Cancelling only marks a timer; it is dropped when it reaches the top, which keeps cancel O(1)
/// for the common case of a connection's idle timer being re-armed on every packet.
struct TimerHeap {
    struct Entry {
        let deadline: Int64
        let id: UInt64
        let action: () -> Void
    }

    private var heap: [Entry] = []
    private var cancelled: Set<UInt64> = []

    mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func cancel(_ id: UInt64) { cancelled.insert(id) }

    /// The earliest live deadline, dropping cancelled timers on the way.
    mutating func nextDeadline() -> Int64? {
        while let top = heap.first, cancelled.remove(top.id) != nil { _ = popTop() }
        return heap.first?.deadline
    }

    /// Removes and returns every live timer due at `now`, earliest first.
    mutating func popDue(now: Int64) -> [Entry] {
        var due: [Entry] = []
        while let top = heap.first, top.deadline <= now {
            let entry = popTop()
            if cancelled.remove(entry.id) == nil { due.append(entry) }
        }
        return due
    }

    private mutating func popTop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
                if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
