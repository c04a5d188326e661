import CRdKafka
import CTributary
import Synchronization
import TributarySDK

/// The topic handles the sink produces to, made once per topic name (librdkafka would otherwise
/// look the name up for every record), and the name of each application's topic, so an event
/// costs a dictionary lookup and no string building. Destroyed before the client.
final class KafkaTopics: @unchecked Sendable {
    /// rd_kafka_topic_t, which any thread may produce to.
    struct Handle: @unchecked Sendable {
        let rkt: OpaquePointer
    }

    private let naming: KafkaTopicName
    private let topics = Mutex<[String: Handle]>([:])
    /// Drogue's and fixed naming depend on the application alone.
    private let byApplication = Mutex<[[UInt8]: Handle]>([:])

    init(naming: KafkaTopicName) { self.naming = naming }

    /// Remembers the last application of one batch (events of a batch mostly share it), so
    /// most events cost a byte comparison instead of a lookup. One per `deliver` call.
    struct BatchMemo {
        fileprivate var application: UnsafeRawBufferPointer?
        fileprivate var handle: Handle?
    }

    /// `handle(for:client:)` through the batch's memo (Drogue's and fixed naming only).
    func handle(for event: UnsafePointer<trib_type_event>, client rk: OpaquePointer, memo: inout BatchMemo) -> Handle? {
        if case .template = naming { return handle(for: event, client: rk) }
        let application = event.pointee.application.rawBuffer
        if let previous = memo.application, let handle = memo.handle, previous.elementsEqual(application) { return handle }
        let handle = handle(for: event, client: rk)
        memo = BatchMemo(application: application, handle: handle)
        return handle
    }

    /// The handle for `event`'s topic; nil when a template makes no valid name.
    func handle(for event: UnsafePointer<trib_type_event>, client rk: OpaquePointer) -> Handle? {
        let e = event.pointee
        if case .template = naming {
            guard let name = naming.topic(application: e.application.string, channel: e.subject.string, device: e.device.string) else { return nil }
            return named(name, rk)
        }
        let application = Array(e.application.rawBuffer)
        if let known = byApplication.withLock({ $0[application] }) { return known }
        guard let name = naming.topic(application: e.application.string, channel: "", device: ""), let handle = named(name, rk) else { return nil }
        byApplication.withLock { $0[application] = handle }
        return handle
    }

    private func named(_ name: String, _ rk: OpaquePointer) -> Handle? {
        topics.withLock { topics in
            if let known = topics[name] { return known }
            guard let rkt = rd_kafka_topic_new(rk, name, nil) else { return nil }
            topics[name] = Handle(rkt: rkt)
            return topics[name]
        }
    }

    func destroy() {
        byApplication.withLock { $0.removeAll() }
        topics.withLock { topics in
            for handle in topics.values { rd_kafka_topic_destroy(handle.rkt) }
            topics.removeAll()
        }
    }
}
