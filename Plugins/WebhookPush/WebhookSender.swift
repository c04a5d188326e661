import Dispatch
import Glibc
import Synchronization
import TributaryNet
import TributarySDK

/// Moves events from where they wait (the in-memory inbox, or the spool) to the consumer: builds
/// requests, keeps per-key order (``DeliveryQueue``), retries with backoff, dead-letters what
/// the consumer refuses, and reports every event's outcome exactly once. All of its state lives
/// on one event loop; other threads reach it through `loop.execute`.
final class WebhookSender: @unchecked Sendable {
    /// With a spool: the writer, the directory, and (once leased) the reader and cursor.
    private struct SpoolState {
        let directory: SpoolDirectory
        let writer: SpoolWriter
        var reader: SpoolReader?
        var tracker = CursorTracker(cursor: nil)
        var cursorDirty = false
        var persistScheduled = false
        var waitingLogged = false
    }

    let loop: EventLoop
    /// 0 for the first shard, which also reports the shared gauges.
    private let shard: Int
    /// Requests this shard may have in flight (its share of `max_connections`).
    private let connections: Int
    private let configuration: WebhookConfiguration
    private let binding: CloudEventHTTPBinding
    private let client: HTTPClient
    private let host: PluginHost
    private let shared: SenderShared
    private var metrics: WebhookMetrics { shared.metrics }
    private var deadLetters: DeadLetterFile { shared.deadLetters }
    /// Without a spool: events handed over by `deliver`, not yet on the loop.
    private let inbox = Inbox<OutgoingEvent>()
    private let refillScheduled = Atomic<Bool>(false)
    // Loop only.
    private var spool: SpoolState?
    private var queue = DeliveryQueue<OutgoingEvent>()
    private var inFlight = 0
    private var backingOff: [UInt64: RequestAttempt] = [:]
    private var lingerTimer: UInt64?
    private var housekeeping: UInt64?
    private var draining = false
    private var drained: DispatchSemaphore?
    private var stopped = false

    init(shard: Int, of shards: Int, loop: EventLoop, configuration: WebhookConfiguration, client: HTTPClient, host: PluginHost,
         shared: SenderShared, spool: (SpoolDirectory, SpoolWriter)?) {
        self.shard = shard
        self.loop = loop
        connections = max(1, (configuration.maxConnections + shards - 1 - shard) / shards)
        self.configuration = configuration
        binding = CloudEventHTTPBinding(mode: configuration.mode, url: configuration.url, headers: configuration.headers)
        self.client = client
        self.host = host
        self.shared = shared
        if let (directory, writer) = spool { self.spool = SpoolState(directory: directory, writer: writer) }
    }

    /// Starts the loop's part: the spool lease (with a spool) and the housekeeping timer.
    func start() {
        loop.execute { [self] in
            housekeeping = loop.scheduleTimer(afterMilliseconds: 1_000) { [self] in tick() }
            if spool != nil { takeLease() }
        }
    }

    // MARK: - Ingress (any thread)

    /// Without a spool: events `deliver` admitted (see ``SenderShared/admit(_:)``) for this
    /// shard's keys; the loop takes them from the inbox.
    func enqueue(_ event: OutgoingEvent) {
        if inbox.push(event) { loop.execute { [self] in takeInbox() } }
    }

    /// With a spool: the writer acknowledged new records; read them when leased.
    func spoolCommitted() {
        guard !refillScheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        loop.execute { [self] in
            refillScheduled.store(false, ordering: .releasing)
            refill()
        }
    }

    // MARK: - Loop

    private func takeInbox() {
        let events = inbox.takeAll()
        for event in events { queue.append(event, key: event.key) }
        if draining {
            handBackIdleKeys()
        } else {
            pump()
        }
    }

    /// Sends requests while connections allow and events are ready.
    private func pump() {
        guard !draining, !stopped else { return }
        while inFlight < connections {
            if configuration.mode == .batch && configuration.batchLingerMilliseconds > 0
                && queue.readyEventCount < configuration.batchSize {
                guard let first = queue.firstReady else { break }
                let due = first.acceptedNanoseconds + configuration.batchLingerMilliseconds * 1_000_000
                let now = SystemClock.monotonicNanoseconds()
                if now < due {
                    if lingerTimer == nil {
                        lingerTimer = loop.scheduleTimer(afterMilliseconds: max(1, (due - now) / 1_000_000)) { [self] in
                            lingerTimer = nil
                            pump()
                        }
                    }
                    break
                }
            }
            guard let taken = queue.next(limit: configuration.mode == .batch ? configuration.batchSize : 1) else { break }
            send(RequestAttempt(events: taken))
        }
    }

    private var backingOffCount: Int { backingOff.values.reduce(0) { $0 + $1.events.count } }

    private func send(_ attempt: RequestAttempt) {
        inFlight += 1
        let request = attempt.events.count == 1 && attempt.events[0].request != nil
            ? attempt.events[0].request! : binding.encodeBatch(jsons: attempt.events.map { $0.json ?? [] })
        let pinned = configuration.eventLoops == 1
        client.send(encoded: request, method: "POST", to: configuration.url.origin,
                    timeoutMilliseconds: configuration.requestTimeoutMilliseconds, on: pinned ? loop : nil) { [self] result in
            if pinned {
                completed(attempt, result)
            } else {
                loop.execute { [self] in completed(attempt, result) }
            }
        }
    }

    private func completed(_ attempt: RequestAttempt, _ result: Result<HTTPClientResponse, HTTPClientError>) {
        inFlight -= 1
        metrics.requests.add()
        let count = Int64(attempt.events.count)
        switch AttemptOutcome.classify(result) {
        case .delivered:
            // The keys' next requests leave first; telling the host (and so the devices) comes
            // after, while those requests are on the wire.
            finished(attempt)
            if !draining { pump() }
            let now = SystemClock.monotonicNanoseconds()
            var latency: Int64 = 0
            for event in attempt.events {
                let micros = (now - event.acceptedNanoseconds) / 1_000
                latency += micros
                shared.observeLatency(micros)
                finish(event, .ok)
            }
            metrics.delivered.add(count)
            metrics.latencyMicroseconds.add(latency)
        case .rejected(let status, let reason):
            deadLetter(attempt, status: status, reason: reason, response: result)
            finished(attempt)
        case .retry(let reason, let after):
            var next = attempt
            next.failures += 1
            if configuration.retry.givesUp(afterFailures: next.failures) {
                let status = (try? result.get())?.status ?? 0
                deadLetter(next, status: status, reason: "gave up after \(next.failures) attempts: \(reason)", response: result)
                finished(attempt)
            } else if draining {
                handBack(attempt)
            } else {
                scheduleRetry(next, reason: reason, after: after)
            }
        case .abandoned:
            handBack(attempt)
        }
        if draining {
            handBackIdleKeys()
        } else {
            pump()
            // A spool backlog: read more as soon as half of the room is free.
            if spool != nil && queue.count + backingOffCount < configuration.maxPending / 2 { refill() }
        }
        checkDrained()
    }

    private func scheduleRetry(_ attempt: RequestAttempt, reason: String, after: Int64?) {
        let delay = after ?? configuration.retry.delayMilliseconds(afterFailures: attempt.failures)
        metrics.retried.add(Int64(attempt.events.count))
        host.log(.debug, "\(attempt.events.count) event(s) failed (\(reason)); attempt \(attempt.failures + 1) in \(delay) ms")
        var id: UInt64 = 0
        id = loop.scheduleTimer(afterMilliseconds: delay) { [self] in
            guard let attempt = backingOff.removeValue(forKey: id) else { return }
            send(attempt)
        }
        backingOff[id] = attempt
    }

    private func deadLetter(_ attempt: RequestAttempt, status: Int, reason: String,
                            response: Result<HTTPClientResponse, HTTPClientError>) {
        let body = (try? response.get())?.body ?? []
        if !deadLetters.append(attempt.events.compactMap(\.cloudEvent), status: status, reason: reason, attempts: attempt.failures + 1, response: body) {
            host.log(.error, "cannot write the dead-letter file \(deadLetters.path): \(String(cString: strerror(errno)))")
        }
        host.log(.warn, "\(attempt.events.count) event(s) dead-lettered to \(deadLetters.path): \(reason)")
        metrics.deadLettered.add(Int64(attempt.events.count))
        // Never reported as delivered: without a spool the device is told it failed.
        for event in attempt.events { finish(event, .internalError) }
    }

    /// Events this instance will not deliver: without a spool they go back to the host (which
    /// hands them to the successor); with one they stay in the spool for the next lease holder.
    private func handBack(_ attempt: RequestAttempt) {
        if spool == nil {
            for event in attempt.events { finish(event, .cancelled) }
        }
        finished(attempt)
    }

    /// The request is over for its events' keys.
    private func finished(_ attempt: RequestAttempt) {
        if attempt.events.count == 1 {
            queue.finished(key: attempt.events[0].key)
        } else {
            queue.finished(keys: attempt.events.map(\.key))
        }
    }

    /// Draining: the waiting events of keys with no request out go back now, in order; a key
    /// with a request out goes back after that request's outcome, so the host hands a key's
    /// events to the successor in the order they must be sent.
    private func handBackIdleKeys() {
        for event in queue.removeReady() { finish(event, .cancelled) }
    }

    /// One event's outcome reaches its owner, once.
    private func finish(_ event: OutgoingEvent, _ status: Status) {
        if let delivery = event.delivery {
            shared.release(1)
            delivery.finish(status)
        } else if spool != nil, status != .cancelled {
            if spool!.tracker.complete(event.ticket) {
                spool!.cursorDirty = true
                schedulePersist()
            }
        }
    }

    // MARK: - Spool

    private func takeLease() {
        guard var state = spool, !draining, !stopped else { return }
        guard state.directory.tryLease() else {
            if !state.waitingLogged {
                host.log(.info, "waiting for the previous instance to hand over the spool \(state.directory.path)")
                state.waitingLogged = true
                spool = state
            }
            loop.scheduleTimer(afterMilliseconds: 50) { [self] in takeLease() }
            return
        }
        state.directory.usage.store(state.directory.scanUsage(), ordering: .relaxed)
        let cursor = state.directory.readCursor()
        let directory = state.directory
        let log = host
        state.reader = SpoolReader(directory: directory, generation: state.writer.generation, from: cursor) { message in
            log.log(.warn, "spool: \(message)")
        }
        state.tracker = CursorTracker(cursor: cursor)
        spool = state
        host.log(.info, "sending from the spool \(directory.path)\(cursor.map { " at \($0)" } ?? "")")
        refill()
    }

    /// Reads spooled records into the queue, up to `max_pending` in memory.
    private func refill() {
        guard !draining, !stopped, var state = spool, let reader = state.reader else { return }
        let room = configuration.maxPending - queue.count - backingOffCount
        guard room > 0 else { return }
        let records = reader.read(limit: room, committed: state.writer.committed)
        guard !records.isEmpty else { return }
        let now = SystemClock.monotonicNanoseconds()
        var skipped: [UInt64] = []
        for record in records {
            let ticket = state.tracker.issue(end: record.end)
            let outgoing = SpoolRecord.withEvent(record.payload) { event in
                OutgoingEvent(event, record: Array(record.payload), binding: binding, acceptedNanoseconds: now, delivery: nil, ticket: ticket)
            }
            guard let outgoing else {
                skipped.append(ticket)
                continue
            }
            queue.append(outgoing, key: outgoing.key)
        }
        spool = state
        for ticket in skipped {
            host.log(.error, "spool: a record that is not an event was skipped")
            if spool!.tracker.complete(ticket) { spool!.cursorDirty = true }
        }
        pump()
        // More may be readable than one pass took (a large backlog): continue soon, between
        // other work on the loop.
        if records.count == room || !skipped.isEmpty { schedulePersist() }
    }

    private func schedulePersist() {
        guard let state = spool, !state.persistScheduled else { return }
        spool!.persistScheduled = true
        loop.scheduleTimer(afterMilliseconds: 100) { [self] in
            spool?.persistScheduled = false
            persistCursor()
            refill()
        }
    }

    /// Writes the cursor (after the dead-letter file is durable: the cursor must not pass an
    /// event that is in neither place) and deletes the segments before it.
    private func persistCursor() {
        guard let state = spool, state.cursorDirty, let cursor = state.tracker.cursor else { return }
        deadLetters.sync()
        guard state.directory.writeCursor(cursor) else {
            host.log(.error, "spool: cannot write the cursor in \(state.directory.path)")
            return
        }
        spool!.cursorDirty = false
        for segment in state.directory.segments() where segment < cursor.segment {
            state.directory.deleteSegment(segment)
        }
    }

    private func tick() {
        housekeeping = loop.scheduleTimer(afterMilliseconds: 1_000) { [self] in tick() }
        guard shard == 0 else { return }
        metrics.latencyMaxMicroseconds.set(shared.takeLatencyMax())
        if let spool {
            metrics.spoolBytes.set(spool.directory.usage.load(ordering: .relaxed))
            metrics.queueDepth.set(Int64(queue.count + backingOffCount))
        } else {
            metrics.queueDepth.set(Int64(shared.held))
        }
    }

    // MARK: - Drain and stop

    /// The drain, in two halves so that every shard starts draining at once: this one stops
    /// taking and sending new work and gives back what waits (without a spool each event is
    /// completed `.cancelled`, key by key in order, and the host hands it to the successor);
    /// requests in flight finish first (see `finishDrain`). With a spool nothing is given back:
    /// the cursor is saved and the lease released, and the successor sends the rest.
    func beginDrain() -> DispatchSemaphore {
        if let spool { spool.writer.close() }
        shared.close()
        let semaphore = DispatchSemaphore(value: 0)
        loop.execute { [self] in
            draining = true
            drained = semaphore
            if let lingerTimer { loop.cancelTimer(lingerTimer) }
            lingerTimer = nil
            // A backing-off request holds the oldest events of its keys: they go back first.
            for (id, attempt) in backingOff.sorted(by: { $0.key < $1.key }) {
                loop.cancelTimer(id)
                handBack(attempt)
            }
            backingOff.removeAll()
            takeInbox()
            handBackIdleKeys()
            checkDrained()
        }
        return semaphore
    }

    /// The second half of the drain: waits for `beginDrain`'s semaphore until the deadline
    /// (less a margin for the host), abandons what is still out, saves the cursor.
    func finishDrain(_ semaphore: DispatchSemaphore, deadlineUnixMilliseconds: Int64) {
        let margin: Int64 = 200
        let wait = max(0, deadlineUnixMilliseconds - margin - SystemClock.wallClockMilliseconds())
        if semaphore.wait(timeout: .now() + .milliseconds(Int(wait))) == .timedOut {
            // Requests still out: abandon them (their events are handed back as above).
            client.shutdown()
            _ = semaphore.wait(timeout: .now() + .milliseconds(100))
        }
        let released = DispatchSemaphore(value: 0)
        loop.execute { [self] in
            persistCursor()
            spool?.directory.releaseLease()
            // The successor owns the spool now: no later completion may move the cursor.
            spool = nil
            released.signal()
        }
        released.wait()
    }

    private func checkDrained() {
        guard draining, inFlight == 0, backingOff.isEmpty, let drained else { return }
        self.drained = nil
        drained.signal()
    }

    /// Ends everything on the loop (after drain, or after a failed start).
    func stop() {
        let done = DispatchSemaphore(value: 0)
        loop.execute { [self] in
            stopped = true
            if let housekeeping { loop.cancelTimer(housekeeping) }
            housekeeping = nil
            for id in backingOff.keys { loop.cancelTimer(id) }
            let leftovers = backingOff.values.flatMap(\.events) + queue.removeWaiting()
            backingOff.removeAll()
            for event in leftovers { finish(event, .cancelled) }
            persistCursor()
            spool?.directory.releaseLease()
            done.signal()
        }
        done.wait()
    }
}
