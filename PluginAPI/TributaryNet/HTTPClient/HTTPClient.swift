import Dispatch
import Synchronization

/// An HTTP/1.1 client on an event-loop group: keep-alive connection pools per origin (scheme,
/// host, port) and loop, a bounded number of connections each, one request at a time per
/// connection (no pipelining, so a failure never leaves later requests in doubt), a timeout per
/// request, and TLS with SNI and host-name verification for `https`.
///
/// Used by sinks that push (webhooks) and by plugins that fetch (OIDC discovery and keys).
/// `send` may be called from any thread; the completion runs on the loop that carried the
/// request, exactly once. A request that finds its keep-alive connection closed by the server
/// before any response byte arrived is sent once more on a fresh connection (the server did not
/// answer it; a stale idle connection is the usual cause), so callers do not see that race as a
/// failure.
public final class HTTPClient: Sendable {
    public typealias Completion = @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void

    public let group: EventLoopGroup
    public let configuration: HTTPClientConfiguration
    private let tls: HTTPClientTLS
    private let pools: [LoopPools]

    /// - Parameter tls: the context for `https` origins (CA bundle, client certificate); nil
    ///   uses one that verifies against the system store, made on first use.
    public convenience init(group: EventLoopGroup, configuration: HTTPClientConfiguration = HTTPClientConfiguration(), tls: TLSContext? = nil) {
        var fixed: (@Sendable () -> TLSContext)?
        if let tls { fixed = { tls } }
        self.init(group: group, configuration: configuration, provider: HTTPClientTLS(fixed))
    }

    /// - Parameter tls: a context that follows its CA bundle (`TLSFileWatch` reloads it): each
    ///   new connection uses the one current then.
    public convenience init(group: EventLoopGroup, configuration: HTTPClientConfiguration = HTTPClientConfiguration(), tls: ReloadingTLSClientContext?) {
        var following: (@Sendable () -> TLSContext)?
        if let tls { following = { tls.current } }
        self.init(group: group, configuration: configuration, provider: HTTPClientTLS(following))
    }

    private init(group: EventLoopGroup, configuration: HTTPClientConfiguration, provider: HTTPClientTLS) {
        self.group = group
        self.configuration = configuration
        tls = provider
        pools = group.loops.map { LoopPools(loop: $0, configuration: configuration, tls: provider) }
    }

    /// Sends `request` to `origin`; `completion` runs once on the carrying loop. Adds `Host`
    /// when the request has none. `loop` picks the loop (default: the group's next one); a
    /// caller that lives on a loop passes its own, so the completion needs no hop.
    public func send(_ request: HTTPClientRequest, to origin: HTTPOrigin, timeoutMilliseconds: Int64,
                     on loop: EventLoop? = nil, completion: @escaping Completion) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(request.body.count + 512)
        do {
            if request.headers.contains("Host") {
                try HTTPRequestEncoder.encode(request, into: &bytes)
            } else {
                var withHost = request
                try withHost.headers.add(name: "Host", value: origin.hostHeader)
                try HTTPRequestEncoder.encode(withHost, into: &bytes)
            }
        } catch {
            let loop = loop ?? group.next()
            loop.execute { completion(.failure(.invalidRequest(error.description))) }
            return
        }
        send(encoded: bytes, method: request.method, to: origin, timeoutMilliseconds: timeoutMilliseconds, on: loop,
             completion: completion)
    }

    /// Sends a request its caller encoded (request line, `Host`, framing and body, exactly as
    /// ``HTTPRequestEncoder`` writes them): for callers that send many requests of one shape and
    /// build them in one pass, such as a webhook sink. `method` tells the response decoder
    /// whether a body follows (HEAD). Nothing is checked: the bytes go out as they are.
    public func send(encoded bytes: [UInt8], method: String, to origin: HTTPOrigin, timeoutMilliseconds: Int64,
                     on loop: EventLoop? = nil, completion: @escaping Completion) {
        let loop = loop ?? group.next()
        guard let pools = pools.first(where: { $0.loop === loop }) else {
            preconditionFailure("HTTPClient.send on a loop outside the client's group")
        }
        let pending = PendingHTTPRequest(bytes: bytes, method: method, timeoutMilliseconds: max(1, timeoutMilliseconds),
                                         completion: completion)
        if loop.inEventLoop {
            pools.submit(pending, to: origin)
        } else {
            loop.execute { pools.submit(pending, to: origin) }
        }
    }

    /// Sends `request` to the URL's origin with the URL's target.
    public func send(_ request: HTTPClientRequest, to url: HTTPURL, timeoutMilliseconds: Int64,
                     on loop: EventLoop? = nil, completion: @escaping Completion) {
        var request = request
        request.target = url.target
        send(request, to: url.origin, timeoutMilliseconds: timeoutMilliseconds, on: loop, completion: completion)
    }

    /// Fails every request waiting or in flight with ``HTTPClientError/shutdown``, closes every
    /// connection, and refuses later requests the same way. Call it from outside the group's
    /// loops, before stopping them; it returns when every loop has done so.
    public func shutdown() {
        let done = DispatchSemaphore(value: 0)
        for pools in pools {
            pools.loop.execute {
                pools.shutdown()
                done.signal()
            }
        }
        for _ in pools { done.wait() }
    }
}

/// The context for `https` connections: the caller's, or one verifying against the system store,
/// made on first use.
final class HTTPClientTLS: Sendable {
    private let given: (@Sendable () -> TLSContext)?
    private let made = Mutex<Result<TLSContext, TLSError>?>(nil)

    init(_ given: (@Sendable () -> TLSContext)?) { self.given = given }

    func context() -> Result<TLSContext, TLSError> {
        if let given { return .success(given()) }
        return made.withLock { cached in
            if let cached { return cached }
            let result: Result<TLSContext, TLSError>
            do throws(TLSError) { result = .success(try TLSContext(client: TLSClientConfiguration())) } catch { result = .failure(error) }
            cached = result
            return result
        }
    }
}

extension HTTPClientRequest {
    /// A request for `url`: its target, and `Host` from its origin.
    public init(method: String, url: HTTPURL, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        var headers = headers
        if !headers.contains("Host") { try? headers.add(name: "Host", value: url.origin.hostHeader) }
        self.init(method: method, target: url.target, headers: headers, body: body)
    }
}

/// One loop's pools, one per origin; used on that loop only.
final class LoopPools: @unchecked Sendable {
    let loop: EventLoop
    private let configuration: HTTPClientConfiguration
    private let tls: HTTPClientTLS
    private var byOrigin: [HTTPOrigin: HTTPConnectionPool] = [:]
    private var isShutdown = false

    init(loop: EventLoop, configuration: HTTPClientConfiguration, tls: HTTPClientTLS) {
        self.loop = loop
        self.configuration = configuration
        self.tls = tls
    }

    func submit(_ request: PendingHTTPRequest, to origin: HTTPOrigin) {
        guard !isShutdown else {
            request.finish(.failure(.shutdown), on: loop)
            return
        }
        let pool: HTTPConnectionPool
        if let existing = byOrigin[origin] {
            pool = existing
        } else {
            pool = HTTPConnectionPool(origin: origin, loop: loop, configuration: configuration, tls: tls)
            byOrigin[origin] = pool
        }
        pool.submit(request)
    }

    func shutdown() {
        isShutdown = true
        for pool in byOrigin.values { pool.shutdown() }
        byOrigin.removeAll()
    }
}

/// A request from `send` to its completion: encoded once, then waiting for a connection, then
/// on one. Used on its loop only after `send` hands it over.
final class PendingHTTPRequest: @unchecked Sendable {
    let bytes: [UInt8]
    let method: String
    let timeoutMilliseconds: Int64
    private var completion: HTTPClient.Completion?
    var timer: UInt64?
    /// When it times out (monotonic nanoseconds).
    var deadline: Int64 = 0
    /// The connection carrying it, once it has one.
    var connection: HTTPClientConnection?
    /// Already sent once on a keep-alive connection the server had closed.
    var resentAfterStaleConnection = false

    init(bytes: [UInt8], method: String, timeoutMilliseconds: Int64, completion: @escaping HTTPClient.Completion) {
        self.bytes = bytes
        self.method = method
        self.timeoutMilliseconds = timeoutMilliseconds
        self.completion = completion
    }

    var isFinished: Bool { completion == nil }

    /// Runs the completion, once; later calls are ignored.
    func finish(_ result: Result<HTTPClientResponse, HTTPClientError>, on loop: EventLoop) {
        guard let completion else { return }
        self.completion = nil
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        connection = nil
        completion(result)
    }
}
