import CRdKafka
import TributarySDK

// librdkafka's callbacks, as C functions: the producer's opaque is its `KafkaProducer`
// (unretained: the producer outlives its rd_kafka_t), a record's is one retain of its
// `KafkaBatchDelivery`. Delivery reports, errors and statistics run on whichever thread calls
// rd_kafka_poll or rd_kafka_flush (the sink's poll thread, or drain on the control thread);
// logs on librdkafka's own threads.

func kafkaDeliveryReport(_ rk: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let message, let record = message.pointee._private, let opaque else { return }
    let delivery = Unmanaged<KafkaBatchDelivery>.fromOpaque(record).takeRetainedValue()
    Unmanaged<KafkaProducer>.fromOpaque(opaque).takeUnretainedValue().delivered(delivery, message.pointee.err)
}

func kafkaError(_ rk: OpaquePointer?, _ error: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let opaque else { return }
    Unmanaged<KafkaProducer>.fromOpaque(opaque).takeUnretainedValue()
        .failed(rd_kafka_resp_err_t(error), reason.map { String(cString: $0) } ?? "")
}

func kafkaStatistics(_ rk: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ length: Int, _ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let json, let opaque else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: json, count: length)
    Unmanaged<KafkaProducer>.fromOpaque(opaque).takeUnretainedValue().statistics(Array(bytes))
    return 0  // librdkafka frees the JSON
}

func kafkaLog(_ rk: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
    Unmanaged<KafkaProducer>.fromOpaque(opaque).takeUnretainedValue()
        .logged(level: level, facility: facility.map { String(cString: $0) } ?? "", text: text.map { String(cString: $0) } ?? "")
}
