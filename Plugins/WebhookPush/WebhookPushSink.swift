import Synchronization
import TributaryNet
import TributarySDK

/// The `webhook-push` sink: CloudEvents over HTTP to a consumer, with retries, back-pressure and
/// an optional durable spool.
///
/// `deliver` never blocks on the network: without a spool it copies the event into the sender's
/// inbox and returns `.pending`, and the device is acknowledged when the consumer answered 2xx
/// (`.busy` once `max_pending` events are held); with a spool it appends the event to the
/// spool and the device is acknowledged once the record is fsynced (`.busy` when the spool is
/// full). See ``WebhookSender`` for the sending side and ``SpoolWriter`` for durability.
final class WebhookPushSink: SinkInstance, @unchecked Sendable {
    private let host: PluginHost
    private let configuration: WebhookConfiguration
    private let metrics: WebhookMetrics
    private let tls: ReloadingTLSClientContext?
    private var tlsWatch: TLSFileWatch?
    private let binding: CloudEventHTTPBinding
    private var group: EventLoopGroup?
    private var client: HTTPClient?
    /// One per event loop; a partition key always goes to the same one (with a spool: one).
    private var senders: [WebhookSender] = []
    private var shared: SenderShared?
    private var writer: SpoolWriter?

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try WebhookConfiguration(config)
        binding = CloudEventHTTPBinding(mode: configuration.mode, url: configuration.url, headers: configuration.headers)
        metrics = WebhookMetrics(host: host)
        if configuration.url.origin.scheme == .https {
            // Loaded now, so a missing CA bundle or key fails `tributary check`, not the first event.
            do { tls = try ReloadingTLSClientContext(configuration.tls) } catch { throw PluginError("\(config.file): \(error)") }
        } else {
            tls = nil
        }
    }

    func start() throws(PluginError) {
        // The spool has one reader and one cursor, so with a spool one loop sends.
        let shards = configuration.spoolDirectory == nil ? configuration.eventLoops : 1
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(name: "webhook-push", count: shards)
        } catch {
            throw PluginError("cannot start event loops: \(error)", status: .internalError)
        }
        self.group = group
        let perLoop = (configuration.maxConnections + shards - 1) / shards
        let client = HTTPClient(group: group,
                                configuration: HTTPClientConfiguration(maxConnectionsPerOrigin: perLoop,
                                                                       connectTimeoutMilliseconds: configuration.requestTimeoutMilliseconds),
                                tls: tls)
        self.client = client
        tlsWatch = TLSFileWatch.following(tls, label: "consumer client", metrics: "webhook_tls_client", host: host)
        var spool: (SpoolDirectory, SpoolWriter)?
        let relay = CommitRelay()
        if let path = configuration.spoolDirectory {
            do {
                let directory = try SpoolDirectory(path: path)
                let log = host
                let writer = try SpoolWriter(directory: directory, maxBytes: configuration.spoolMaxBytes,
                                             onCommit: { _ in relay.sender.withLock { $0 }?.spoolCommitted() },
                                             onError: { log.log(.error, "spool: \($0)") })
                self.writer = writer
                spool = (directory, writer)
            } catch {
                stop()
                throw PluginError("spool \(path): \(error)", status: .unavailable)
            }
        }
        let shared = SenderShared(metrics: metrics, deadLetters: DeadLetterFile(path: configuration.deadLetterFile),
                                  maxPending: configuration.maxPending)
        self.shared = shared
        senders = (0..<shards).map { index in
            WebhookSender(shard: index, of: shards, loop: group.loops[index], configuration: configuration, client: client, host: host,
                          shared: shared, spool: spool)
        }
        relay.sender.withLock { $0 = senders[0] }
        for sender in senders { sender.start() }
        host.log(.info, "pushing \(configuration.mode.rawValue) CloudEvents to \(configuration.url)"
                 + (configuration.spoolDirectory.map { " through the spool \($0)" } ?? ""))
    }

    func deliver(_ batch: SinkBatch) -> Status {
        guard let shared, !senders.isEmpty else { return .unavailable }
        guard let writer else { return accept(batch, shared) }
        let delivery = HostDelivery(batch)
        // Encode every event before the first append: the batch may be completed (and so must
        // not be read) as soon as its last record is durable.
        let payloads = (0..<batch.count).map { SpoolRecord.encode(batch[$0]) }
        if payloads.count == 1 {
            switch writer.append(payloads[0], completion: { durable in delivery.finish(durable ? .ok : .unavailable) }) {
            case .accepted: return .pending
            case .full: return .busy
            case .closed:
                batch.complete(.cancelled)
                return .pending
            }
        }
        for payload in payloads {
            switch writer.append(payload, completion: { durable in delivery.finish(durable ? .ok : .unavailable) }) {
            case .accepted: continue
            case .full: delivery.finish(.busy)
            case .closed: delivery.finish(.cancelled)
            }
        }
        return .pending
    }

    /// Without a spool: copies the events to the senders of their keys; `.busy` (nothing taken)
    /// when `max_pending` events are held.
    private func accept(_ batch: SinkBatch, _ shared: SenderShared) -> Status {
        switch shared.admit(batch.count) {
        case .busy:
            return .busy
        case .closed:
            // Draining: the host hands it to the instance that replaces this one.
            batch.complete(.cancelled)
            return .pending
        case .admitted:
            let delivery = HostDelivery(batch)
            let now = SystemClock.monotonicNanoseconds()
            let events = (0..<batch.count).map { index in
                OutgoingEvent(batch[index], binding: binding, acceptedNanoseconds: now, delivery: delivery)
            }
            for event in events {
                let shard = senders.count == 1 ? 0 : Int(UInt(bitPattern: event.key.hashValue) % UInt(senders.count))
                senders[shard].enqueue(event)
            }
            return .pending
        }
    }

    func drain(deadlineUnixMilliseconds: Int64) {
        let waits = senders.map { $0.beginDrain() }
        for (sender, wait) in zip(senders, waits) {
            sender.finishDrain(wait, deadlineUnixMilliseconds: deadlineUnixMilliseconds)
        }
    }

    func stop() {
        tlsWatch?.stop()
        writer?.close()
        for sender in senders { sender.stop() }
        client?.shutdown()
        group?.stop()
        group = nil
        senders = []
        client = nil
        writer = nil
    }
}

/// Lets the spool writer (made before the sender) tell the sender about commits.
private final class CommitRelay: Sendable {
    let sender = Mutex<WebhookSender?>(nil)
}
