import TributarySDK

/// The `kafka` plugin as the SDK describes it. Batches of up to 512 events (the host coalesces
/// what waits for this sink) go to librdkafka in one loop; at most 64 batches are pending at once,
/// past that the host answers its publishers busy.
public let kafkaPluginDefinition = PluginDefinition(
    name: "kafka", version: "1.0.0",
    description: "Events into Kafka through librdkafka (CloudEvents Kafka binding), acknowledged once Kafka has them.",
    kind: .sink(maxBatch: 512, maxInFlight: 64), abiMinor: 3, make: { host, config throws(PluginError) in try KafkaSink(host: host, config: config) })
