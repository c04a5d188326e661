/// The keep-alive connections of one origin on one loop, and the requests waiting for them.
/// Everything here runs on `loop`.
///
/// Requests are served first in, first out. A free connection takes the oldest waiting request;
/// a new connection is opened only while requests wait for more connections than are being
/// opened, up to the configured bound. Idle connections are reused most recently used first
/// (the warmest, least likely to have been closed by the server) and closed after the idle
/// timeout.
final class HTTPConnectionPool {
    let origin: HTTPOrigin
    let loop: EventLoop
    private let configuration: HTTPClientConfiguration
    private let tls: HTTPClientTLS
    private var idle: [HTTPClientConnection] = []
    private var busy: [ObjectIdentifier: HTTPClientConnection] = [:]
    private var waiting = FIFO<PendingHTTPRequest>()
    /// Waiting requests not yet finished (timed-out ones stay in `waiting` until they reach the head).
    private var liveWaiting = 0
    private var connecting = 0
    private var isShutdown = false
    /// Requests by deadline (see `armDeadlineTimer`).
    private var deadlines = FIFO<PendingHTTPRequest>()
    private var deadlineTimer: UInt64?
    private var idleSweep: UInt64?

    init(origin: HTTPOrigin, loop: EventLoop, configuration: HTTPClientConfiguration, tls: HTTPClientTLS) {
        self.origin = origin
        self.loop = loop
        self.configuration = configuration
        self.tls = tls
    }

    private var openCount: Int { idle.count + busy.count + connecting }

    func submit(_ request: PendingHTTPRequest) {
        let now = loop.now()
        request.deadline = now + request.timeoutMilliseconds * 1_000_000
        while let first = deadlines.first, first.isFinished { _ = deadlines.popFirst() }
        if let last = deadlines.last, request.deadline < last.deadline {
            // Shorter than a request before it: a timer of its own.
            request.timer = loop.scheduleTimer(afterMilliseconds: request.timeoutMilliseconds) { [self] in
                request.timer = nil
                expire(request)
            }
        } else {
            deadlines.append(request)
            if deadlineTimer == nil { armDeadlineTimer(now: now) }
        }
        enqueue(request)
    }

    /// One timer for the earliest deadline of the requests in `deadlines` (deadlines grow in
    /// submission order when callers use one timeout, the usual case): a request costs an array
    /// append, not a timer of its own that lingers in the loop's heap after it completes.
    private func armDeadlineTimer(now: Int64) {
        guard let first = deadlines.first else { return }
        let milliseconds = max(0, (first.deadline - now + 999_999) / 1_000_000)
        deadlineTimer = loop.scheduleTimer(afterMilliseconds: milliseconds) { [self] in
            deadlineTimer = nil
            let now = loop.now()
            while let first = deadlines.first, first.isFinished || first.deadline <= now {
                _ = deadlines.popFirst()
                if !first.isFinished { expire(first) }
            }
            armDeadlineTimer(now: now)
        }
    }

    private func expire(_ request: PendingHTTPRequest) {
        if let connection = request.connection {
            connection.abandon(request)
        } else {
            liveWaiting -= 1
        }
        request.finish(.failure(.timedOut), on: loop)
    }

    /// Puts a request at the back of the queue and serves what can be served.
    private func enqueue(_ request: PendingHTTPRequest) {
        waiting.append(request)
        liveWaiting += 1
        dispatch()
    }

    /// The oldest waiting request still unfinished, removed from the queue.
    private func takeWaiting() -> PendingHTTPRequest? {
        while let request = waiting.popFirst() {
            if !request.isFinished {
                liveWaiting -= 1
                return request
            }
        }
        return nil
    }

    private func dispatch() {
        while liveWaiting > 0, let connection = idle.popLast() {
            guard let request = takeWaiting() else {
                idle.append(connection)
                break
            }
            run(request, on: connection)
        }
        var wanted = liveWaiting - connecting
        while wanted > 0 && openCount < configuration.maxConnectionsPerOrigin {
            wanted -= 1
            connect()
        }
    }

    private func run(_ request: PendingHTTPRequest, on connection: HTTPClientConnection) {
        busy[ObjectIdentifier(connection)] = connection
        connection.run(request)
    }

    private func connect() {
        connecting += 1
        TCPConnector.connect(host: origin.host, port: origin.port, on: loop,
                             timeoutMilliseconds: configuration.connectTimeoutMilliseconds) { [self] result in
            connecting -= 1
            switch result {
            case .failure(let error):
                guard !isShutdown else { return }
                // The oldest request learns why; the others wait for connections in progress or
                // for the next attempt.
                takeWaiting()?.finish(.failure(.connectFailed(error.description)), on: loop)
                dispatch()
            case .success(let tcp):
                guard !isShutdown else { return tcp.close(immediately: true) }
                var stream: any ByteStream = tcp
                if origin.scheme == .https {
                    do {
                        stream = try TLSStream(transport: tcp, context: tls.context().get(), serverName: origin.serverName)
                    } catch {
                        tcp.close(immediately: true)
                        takeWaiting()?.finish(.failure(.tlsFailed("\(error)")), on: loop)
                        dispatch()
                        return
                    }
                }
                let connection = HTTPClientConnection(stream: stream, pool: self, limits: configuration.limits)
                released(connection)
            }
        }
    }

    /// A connection that can take another request: the oldest waiting one, or it goes idle.
    func released(_ connection: HTTPClientConnection) {
        busy[ObjectIdentifier(connection)] = nil
        if !isShutdown, let request = takeWaiting() {
            run(request, on: connection)
        } else {
            idle.append(connection)
            connection.becameIdle(at: loop.now())
            if idleSweep == nil { armIdleSweep() }
        }
    }

    /// One timer per pool closes connections idle past the timeout (a timer per idle period
    /// would be armed and cancelled for every request on a busy connection).
    private func armIdleSweep() {
        idleSweep = loop.scheduleTimer(afterMilliseconds: configuration.idleTimeoutMilliseconds / 2 + 1) { [self] in
            idleSweep = nil
            let cutoff = loop.now() - configuration.idleTimeoutMilliseconds * 1_000_000
            for connection in idle where connection.idleSince <= cutoff { connection.close() }
            if !idle.isEmpty { armIdleSweep() }
        }
    }

    /// A connection that ended; `resend` is a request it carried that the server never answered
    /// on a reused connection, to be sent again first.
    func closed(_ connection: HTTPClientConnection, resend: PendingHTTPRequest? = nil) {
        busy[ObjectIdentifier(connection)] = nil
        idle.removeAll { $0 === connection }
        if let resend, !isShutdown {
            waiting.prepend(resend)
            liveWaiting += 1
        }
        dispatch()
    }

    func shutdown() {
        isShutdown = true
        if let deadlineTimer { loop.cancelTimer(deadlineTimer) }
        deadlineTimer = nil
        if let idleSweep { loop.cancelTimer(idleSweep) }
        idleSweep = nil
        deadlines = FIFO()
        while let request = takeWaiting() { request.finish(.failure(.shutdown), on: loop) }
        for connection in Array(busy.values) + idle { connection.shutdown() }
        busy.removeAll()
        idle.removeAll()
    }
}
