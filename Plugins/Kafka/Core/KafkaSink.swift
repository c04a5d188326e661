import CRdKafka
import CTributary
import Synchronization
import TributarySDK

/// The `kafka` sink: each event one Kafka record (topic per application, key = partition key,
/// CloudEvents binary or structured), each host batch completed from librdkafka's delivery
/// reports, so a device is acknowledged only once Kafka has its event (DESIGN §6). A full local
/// queue answers busy; a broker outage keeps records queued until `message.timeout.ms`, then
/// fails them; drain flushes until the deadline and hands back what is left, cancelled.
final class KafkaSink: SinkInstance {
    private let host: PluginHost
    private let configuration: KafkaConfiguration
    private let metrics: KafkaMetrics
    private let producer: KafkaProducer
    private let topics: KafkaTopics
    private let accepting = Atomic<Bool>(false)
    private let health: KafkaHealth
    /// librdkafka's log and per-event refusals, rate-limited.
    private let librdkafkaLog: ClientFaultLog

    init(host: PluginHost, config: PluginConfig) throws(PluginError) {
        self.host = host
        configuration = try KafkaConfiguration(config)
        topics = KafkaTopics(naming: configuration.topic)
        let metrics = KafkaMetrics(host: host)
        self.metrics = metrics
        librdkafkaLog = ClientFaultLog(host: host, perSecond: 5)
        let health = KafkaHealth(host: host)
        self.health = health
        let log = librdkafkaLog
        producer = try KafkaProducer(properties: configuration.properties, observer: .init(
            delivered: { delivery, status in
                delivery.recordDone(status)
                if status == .ok { health.recovered() }
            },
            failed: { error, reason in
                metrics.count(error)
                health.failed(error, reason)
            },
            statistics: { json in
                guard let statistics = KafkaStatistics(json) else { return }
                metrics.queued.set(statistics.queuedRecords)
                metrics.brokersUp.set(Int64(statistics.brokersUp))
                metrics.brokerStates(statistics.brokerStates)
                if statistics.brokersUp > 0 { health.recovered() }
            },
            log: { level, line in log.log(level, line) }))
    }

    func start() throws(PluginError) {
        try producer.start()
        accepting.store(true, ordering: .releasing)
    }

    func deliver(_ batch: SinkBatch) -> Status {
        guard accepting.load(ordering: .acquiring) else { return .unavailable }
        // A batch that would not fit is refused whole, before any of it is produced.
        guard producer.hasRoom(for: batch.count) else {
            metrics.busy.add()
            return .busy
        }
        let metrics = metrics
        let delivery = KafkaBatchDelivery(batch) { status, latency in
            if status == .ok {
                metrics.delivered.add(Int64(batch.count))
            } else if status != .cancelled {
                metrics.failed.add(Int64(batch.count))
            }
            metrics.latencySum.add(latency / 1_000_000)
            metrics.latencyCount.add()
        }
        producer.submit(records: batch.count) { [self] client in
            var memo = KafkaTopics.BatchMemo()
            for index in 0..<batch.count {
                let outcome = produce(batch[index], delivery, client, &memo)
                if outcome != .ok { delivery.recordDone(outcome) }
            }
        }
        return .pending
    }

    /// Producing thread only (`client` is lent by it).
    private func produce(_ event: UnsafePointer<trib_type_event>, _ delivery: KafkaBatchDelivery, _ client: KafkaProducer.Client,
                         _ memo: inout KafkaTopics.BatchMemo) -> Status {
        guard let topic = topics.handle(for: event, client: client.rk, memo: &memo) else {
            librdkafkaLog.log(.warn, "Kafka: the topic template makes no valid topic name for an event of application '\(event.pointee.application.string)'; refused")
            return .rejected
        }
        let e = event.pointee
        let headers = KafkaRecordHeaders.make(event, mode: configuration.contentMode)
        let result: rd_kafka_resp_err_t
        switch configuration.contentMode {
        case .binary:
            result = client.produce(topic: topic, key: e.partitionkey.rawBuffer, value: e.data.rawBuffer, headers: headers, delivery: delivery)
        case .structured:
            let json = CloudEventJSONEncoder.encode(event)
            result = json.withUnsafeBytes { client.produce(topic: topic, key: e.partitionkey.rawBuffer, value: $0, headers: headers, delivery: delivery) }
        }
        guard result != RD_KAFKA_RESP_ERR_NO_ERROR else { return .ok }
        rd_kafka_headers_destroy(headers)
        return result == RD_KAFKA_RESP_ERR__QUEUE_FULL ? .busy : .unavailable
    }

    func drain(deadlineUnixMilliseconds: Int64) {
        accepting.store(false, ordering: .releasing)
        producer.flush(deadlineUnixMilliseconds: deadlineUnixMilliseconds)
    }

    func stop() {
        accepting.store(false, ordering: .releasing)
        producer.stop { topics.destroy() }
    }
}
