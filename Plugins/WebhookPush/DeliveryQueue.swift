import TributaryNet

/// The events waiting to be sent, with the order rule: events of one partition key go out one
/// request at a time, in the order they arrived, and the next one leaves only when the previous
/// one's request is over (delivered, or given up); events of different keys go out concurrently.
///
/// A key whose request is in flight (or waiting to be retried) is *busy*; its later events wait.
/// Keys with waiting events and no request are *ready*, in the order they became ready, so no key
/// starves. `next(limit:)` takes the events for one request: one event for the single-event
/// modes; for batches, events of several ready keys (a key's events stay in their order and a key
/// is never in two requests at once). Not thread-safe: the sender uses it on its loop.
struct DeliveryQueue<Element> {
    /// A class, so that appending to a key's queue never copies it (a struct in a dictionary
    /// is easy to copy by accident, and the copy would be O(n) per event).
    private final class KeyState {
        var waiting = FIFO<Element>()
        var busy = false
    }

    private var keys: [String: KeyState] = [:]
    private var ready = FIFO<String>()
    /// Events queued and not yet taken by `next`.
    private(set) var waitingCount = 0
    /// Events taken by `next` whose request is not over.
    private(set) var busyCount = 0

    /// Every event held: waiting and in requests.
    var count: Int { waitingCount + busyCount }

    /// Events that could leave now (their key is not busy).
    private(set) var readyEventCount = 0

    /// The oldest event that could leave now.
    var firstReady: Element? {
        ready.first.flatMap { keys[$0]?.waiting.first }
    }

    mutating func append(_ element: Element, key: String) {
        let state: KeyState
        if let existing = keys[key] {
            state = existing
        } else {
            state = KeyState()
            keys[key] = state
        }
        let becomesReady = state.waiting.isEmpty && !state.busy
        state.waiting.append(element)
        waitingCount += 1
        if !state.busy { readyEventCount += 1 }
        if becomesReady { ready.append(key) }
    }

    /// The events of the next request, at most `limit`, with their keys now busy; nil when no key
    /// is ready.
    mutating func next(limit: Int) -> [Element]? {
        var taken: [Element] = []
        while taken.count < limit, let key = ready.popFirst() {
            guard let state = keys[key] else { continue }
            while taken.count < limit, let element = state.waiting.popFirst() {
                taken.append(element)
                readyEventCount -= 1
            }
            readyEventCount -= state.waiting.count  // they wait for this request now
            state.busy = true
        }
        waitingCount -= taken.count
        busyCount += taken.count
        return taken.isEmpty ? nil : taken
    }

    /// A request of one event is over: its key takes its next event.
    mutating func finished(key: String) {
        busyCount -= 1
        release(key)
    }

    /// A request is over for `keys` (each listed once per event it carried): those keys take
    /// their next events.
    mutating func finished(keys finishedKeys: [String]) {
        busyCount -= finishedKeys.count
        var seen: Set<String> = []
        for key in finishedKeys where seen.insert(key).inserted { release(key) }
    }

    /// A key is no longer busy: ready again if events wait for it, else forgotten.
    private mutating func release(_ key: String) {
        guard let state = keys[key] else { return }
        state.busy = false
        if state.waiting.isEmpty {
            keys[key] = nil
        } else {
            ready.append(key)
            readyEventCount += state.waiting.count
        }
    }

    /// Takes out the waiting events of every key that is not busy, each key's in order (a drain
    /// hands them back in the order they must be sent).
    mutating func removeReady() -> [Element] {
        var removed: [Element] = []
        while let key = ready.popFirst() {
            guard let state = keys.removeValue(forKey: key) else { continue }
            let events = state.waiting.removeAll()
            removed += events
            waitingCount -= events.count
            readyEventCount -= events.count
        }
        return removed
    }

    /// Takes every waiting event out (a stop); busy keys stay busy until `finished`.
    mutating func removeWaiting() -> [Element] {
        var removed: [Element] = []
        for (key, state) in keys {
            removed += state.waiting.removeAll()
            if !state.busy { keys[key] = nil }
        }
        _ = ready.removeAll()
        waitingCount = 0
        readyEventCount = 0
        return removed
    }
}
