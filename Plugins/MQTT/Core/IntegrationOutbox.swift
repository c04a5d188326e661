import MQTTCodec
import Synchronization

/// Events on their way from the bus to one integration connection: encoded on the thread that
/// hands them over (a bus delivery thread, or a publisher's loop for an inline subscription),
/// written on the connection's loop, which takes what has gathered in one batch (one hand-off
/// per burst, not per event).
///
/// It holds little (`limit` bytes): a burst waits in the host's queue, which is bounded in bytes
/// with a host-wide budget. When the connection cannot take more (its output past
/// `integration_buffer_bytes`, or its client's Receive Maximum reached), the loop marks it
/// `full`; handlers then answer busy, which pauses the subscription in the host instead of
/// dropping, and the loop resumes the subscriptions once there is room.
final class IntegrationOutbox: Sendable {
    struct Item: Sendable {
        let topic: String
        let payload: [UInt8]
        let properties: MQTTProperties
        let qos: MQTTQoS
    }

    enum Offer {
        case refused
        /// Taken; `first`: the outbox was empty, so the loop must be asked to deliver.
        case queued(first: Bool)
    }

    private struct Items {
        var list: [Item] = []
        var bytes = 0
    }

    private let items = Mutex(Items())
    private let limit: Int
    /// Set by the loop: the connection has no room.
    let full = Atomic<Bool>(false)
    /// A handler answered busy since the loop last resumed the subscriptions.
    let paused = Atomic<Bool>(false)

    init(limit: Int) { self.limit = limit }

    var isEmpty: Bool { items.withLock { $0.list.isEmpty } }

    /// Any thread. Refused when the connection is full or the outbox holds `limit` bytes (one
    /// item always fits an empty outbox, however large).
    func offer(_ item: Item) -> Offer {
        guard !full.load(ordering: .acquiring) else { return .refused }
        return items.withLock { items in
            guard items.list.isEmpty || items.bytes + item.payload.count <= limit else { return .refused }
            items.list.append(item)
            items.bytes += item.payload.count
            return .queued(first: items.list.count == 1)
        }
    }

    /// The loop takes everything gathered so far.
    func take(into batch: inout [Item]) {
        items.withLock { items in
            swap(&items.list, &batch)
            items.bytes = 0
        }
    }
}
