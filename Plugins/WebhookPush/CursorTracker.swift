import TributaryNet

/// The spool's read cursor: records complete out of order (different partition keys), the cursor
/// moves only past records that are all complete, so a restart re-sends at most what was in
/// flight (at least once, never lost).
struct CursorTracker {
    private var ends = FIFO<SpoolPosition>()
    private var headTicket: UInt64 = 0
    private var done: Set<UInt64> = []
    private(set) var cursor: SpoolPosition?

    init(cursor: SpoolPosition?) { self.cursor = cursor }

    /// Registers a record read from the spool; returns its ticket.
    mutating func issue(end: SpoolPosition) -> UInt64 {
        ends.append(end)
        return headTicket + UInt64(ends.count - 1)
    }

    /// Marks a record complete; true when the cursor moved.
    mutating func complete(_ ticket: UInt64) -> Bool {
        done.insert(ticket)
        var moved = false
        while done.remove(headTicket) != nil, let end = ends.popFirst() {
            cursor = end
            headTicket += 1
            moved = true
        }
        return moved
    }

    /// Records issued and not complete.
    var outstanding: Int { ends.count - done.count }
}
