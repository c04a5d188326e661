import CRdKafka
import Foundation
import Glibc
import Synchronization
import TributarySDK

/// librdkafka's producer for one sink instance: the configuration, validated when the drop-in
/// is read (so `tributary check` names a bad property), the client made in `start()` (it opens
/// connections and threads at once), and the one thread that both produces the records the
/// sink submits and polls for their delivery reports, where the host's batches complete. Never
/// polled on a host or adapter thread.
///
/// Producing where the reports are served keeps each record's allocations (librdkafka's copy of
/// it and a dozen headers) and their release on one thread: with glibc's allocator, records
/// made on the host's threads and freed on this one cost twice the CPU (measured: 4.7 against
/// 1.7 CPU-seconds per 400,000 records, the difference being malloc's cross-thread frees).
final class KafkaProducer: @unchecked Sendable {
    /// What the producer tells its sink; every call may come from any thread.
    struct Observer: Sendable {
        var delivered: @Sendable (KafkaBatchDelivery, Status) -> Void
        var failed: @Sendable (rd_kafka_resp_err_t, String) -> Void
        var statistics: @Sendable ([UInt8]) -> Void
        var log: @Sendable (LogLevel, String) -> Void
    }

    /// Validated properties; duplicated into each client, so it stays ours to free.
    private let conf: OpaquePointer
    private let observer: Observer
    /// rd_kafka_t, which librdkafka lets any thread use at once; the producing thread lends it
    /// to the work submitted, so a record costs no lock to find the client.
    struct Client: @unchecked Sendable {
        let rk: OpaquePointer

        /// Produces one record; `delivery` is retained for it until its report. Returns
        /// librdkafka's error when it did not take the record (nothing retained then).
        func produce(topic: KafkaTopics.Handle, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, headers: OpaquePointer,
                     delivery: KafkaBatchDelivery) -> rd_kafka_resp_err_t {
            let opaque = Unmanaged.passRetained(delivery)
            let result = trib_kafka_produce(rk, topic.rkt, key.baseAddress, key.count, value.baseAddress, value.count, headers, opaque.toOpaque())
            if result != RD_KAFKA_RESP_ERR_NO_ERROR { opaque.release() }
            return result
        }
    }

    private let client = Mutex<Client?>(nil)
    private let polling = Atomic<Bool>(false)
    private var thread: Thread?
    private let stopped = DispatchSemaphore(value: 0)
    /// Work for the producing thread, and the records it will produce (counted against the
    /// queue limit before they are produced).
    private let submitted = Mutex<[@Sendable (Client) -> Void]>([])
    private let submittedRecords = Atomic<Int>(0)
    /// The thread sleeps in poll(2) on this pipe; librdkafka writes to it when a report waits
    /// (rd_kafka_queue_io_event_enable), `submit` when work does.
    private let wakeup: (read: Int32, write: Int32)
    /// `queue.buffering.max.messages`: a batch that would not fit is answered busy up front.
    let queueLimit: Int

    /// Sets every property on a new configuration; the first refusal is the error, with the
    /// position of the property and librdkafka's own words (never a secret's value).
    init(properties: [(name: String, value: String, position: String)], observer: Observer) throws(PluginError) {
        let conf = rd_kafka_conf_new()!
        var error = [CChar](repeating: 0, count: 512)
        for property in properties {
            let result = rd_kafka_conf_set(conf, property.name, property.value, &error, error.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let reason = KafkaConfiguration.isSecret(property.name) ? "invalid value" : Self.text(error)
                throw PluginError("\(property.position): librdkafka '\(property.name)': \(reason)")
            }
        }
        var size = 32
        var limit = [CChar](repeating: 0, count: 32)
        if rd_kafka_conf_get(conf, "queue.buffering.max.messages", &limit, &size) == RD_KAFKA_CONF_OK, let parsed = Int(Self.text(limit)) {
            queueLimit = parsed
        } else {
            queueLimit = 100_000
        }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            rd_kafka_conf_destroy(conf)
            throw PluginError("cannot create the producer's wake-up pipe: \(String(cString: strerror(errno)))", status: .internalError)
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeup = (ends[0], ends[1])
        self.conf = conf
        self.observer = observer
    }

    deinit {
        rd_kafka_conf_destroy(conf)
        close(wakeup.read)
        close(wakeup.write)
    }

    /// A NUL-terminated buffer librdkafka wrote.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func start() throws(PluginError) {
        let copy = rd_kafka_conf_dup(conf)!
        rd_kafka_conf_set_opaque(copy, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(copy, kafkaDeliveryReport)
        rd_kafka_conf_set_error_cb(copy, kafkaError)
        rd_kafka_conf_set_stats_cb(copy, kafkaStatistics)
        rd_kafka_conf_set_log_cb(copy, kafkaLog)
        var error = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, copy, &error, error.count) else {
            rd_kafka_conf_destroy(copy)
            throw PluginError("cannot create the Kafka producer: \(Self.text(error))")
        }
        client.withLock { $0 = Client(rk: rk) }
        let queue = rd_kafka_queue_get_main(rk)
        var byte: UInt8 = 1
        rd_kafka_queue_io_event_enable(queue, wakeup.write, &byte, 1)
        rd_kafka_queue_destroy(queue)
        polling.store(true, ordering: .releasing)
        // The handle outlives the thread: stop() waits for it before rd_kafka_destroy.
        let handle = Client(rk: rk)
        let thread = Thread { [self] in
            while polling.load(ordering: .acquiring) { cycle(handle) }
            stopped.signal()
        }
        thread.name = "kafka-producer"
        self.thread = thread
        thread.start()
    }

    /// One turn of the producing thread: produce what was submitted, serve what librdkafka has
    /// (reports, errors, statistics), and sleep until either has more: 20 ms at most, for a report
    /// queued while the last poll served others, which writes no wake-up of its own.
    private func cycle(_ client: Client) {
        let work = submitted.withLock { work -> [@Sendable (Client) -> Void] in
            defer { work.removeAll(keepingCapacity: true) }
            return work
        }
        for produce in work { produce(client) }
        rd_kafka_poll(client.rk, 0)
        guard work.isEmpty else { return }
        var descriptor = pollfd(fd: wakeup.read, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 20) > 0 {
            var drained = [UInt8](repeating: 0, count: 256)
            while read(wakeup.read, &drained, drained.count) > 0 {}
        }
    }

    /// Room for `records` more in librdkafka's queue (`queue.buffering.max.messages`), counting
    /// what is submitted and not yet produced.
    func hasRoom(for records: Int) -> Bool {
        queued + submittedRecords.load(ordering: .relaxed) + records <= queueLimit
    }

    /// Runs `produce` on the producing thread, soon, with the client; it produces `records` records.
    func submit(records: Int, _ produce: @escaping @Sendable (Client) -> Void) {
        submittedRecords.add(records, ordering: .relaxed)
        submitted.withLock { $0.append { [self] client in
            produce(client)
            submittedRecords.subtract(records, ordering: .relaxed)
        } }
        var byte: UInt8 = 1
        _ = write(wakeup.write, &byte, 1)
    }

    /// Waits (on the caller's thread) until the producing thread has taken every submission.
    private func waitForSubmissions(deadline: Int64) {
        while submittedRecords.load(ordering: .relaxed) > 0 && SystemClock.wallClockMilliseconds() < deadline { usleep(1_000) }
    }

    /// Records waiting in librdkafka (queued and in flight).
    var queued: Int {
        guard let rk = client.withLock({ $0?.rk }) else { return 0 }
        return Int(rd_kafka_outq_len(rk))
    }

    /// Waits until every record is delivered or `deadline` (wall clock, ms) passes; what is
    /// left is purged, so its batches complete cancelled (the host hands them on) instead of
    /// being lost or falsely acknowledged. A purged in-flight record may still reach Kafka:
    /// at least once, never at most once.
    func flush(deadlineUnixMilliseconds deadline: Int64) {
        guard let rk = client.withLock({ $0?.rk }) else { return }
        waitForSubmissions(deadline: deadline)
        let remaining = max(0, deadline - SystemClock.wallClockMilliseconds())
        _ = rd_kafka_flush(rk, Int32(clamping: remaining))
        guard rd_kafka_outq_len(rk) > 0 else { return }
        _ = rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        // The purge reports arrive through the poll queue; serve them now, briefly.
        for _ in 0..<20 where rd_kafka_outq_len(rk) > 0 { rd_kafka_poll(rk, 50) }
    }

    /// `beforeDestroy` runs once polling has ended and before the client goes (topic handles).
    func stop(beforeDestroy: () -> Void = {}) {
        guard let rk = client.withLock({ client -> Client? in defer { client = nil }; return client })?.rk else { return }
        polling.store(false, ordering: .releasing)
        var byte: UInt8 = 1
        _ = write(wakeup.write, &byte, 1)
        stopped.wait()
        beforeDestroy()
        rd_kafka_destroy(rk)
    }

    // Called by the trampolines.

    func delivered(_ delivery: KafkaBatchDelivery, _ error: rd_kafka_resp_err_t) {
        let status: Status = switch error {
        case RD_KAFKA_RESP_ERR_NO_ERROR: .ok
        case RD_KAFKA_RESP_ERR__PURGE_QUEUE, RD_KAFKA_RESP_ERR__PURGE_INFLIGHT: .cancelled
        default: .unavailable
        }
        if status == .unavailable { observer.failed(error, String(cString: rd_kafka_err2str(error))) }
        observer.delivered(delivery, status)
    }

    func failed(_ error: rd_kafka_resp_err_t, _ reason: String) { observer.failed(error, reason) }

    func statistics(_ json: [UInt8]) { observer.statistics(json) }

    func logged(level: Int32, facility: String, text: String) {
        // Connection failures and the like come through the error callback, one line per cause
        // (KafkaHealth); librdkafka's own log repeats them per broker and retry, so it is kept
        // for debugging, except configuration warnings (deprecated or ignored properties).
        let mapped: LogLevel = facility == "CONFWARN" ? .warn : .debug
        observer.log(mapped, "librdkafka \(facility): \(text)")
    }
}
