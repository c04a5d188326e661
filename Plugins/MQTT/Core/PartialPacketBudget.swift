import Synchronization

/// The bytes every connection of one instance holds in packets not yet complete, bounded across
/// its loops: each connection alone stays under `max_packet_size`, but thousands of them holding
/// most of one packet each would hold gigabytes (#12 item 4). Past the budget the connection
/// holding the most is closed: it costs the most, and an honest client rarely holds much.
final class PartialPacketBudget: Sendable {
    private struct Holder: @unchecked Sendable {
        var bytes: Int
        weak var connection: MQTTConnection?
    }

    private struct State {
        var total = 0
        var holders: [ObjectIdentifier: Holder] = [:]
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Records what `connection` now holds; returns the connection to close when the total is past
    /// the budget (its bytes are counted as freed at once, so one excess closes one connection).
    func hold(_ bytes: Int, by connection: MQTTConnection) -> MQTTConnection? {
        state.withLock { state in
            let key = ObjectIdentifier(connection)
            state.total += bytes - (state.holders[key]?.bytes ?? 0)
            if bytes == 0 {
                state.holders[key] = nil
            } else {
                state.holders[key] = Holder(bytes: bytes, connection: connection)
            }
            guard state.total > limit, let (largest, holder) = state.holders.max(by: { $0.value.bytes < $1.value.bytes }) else {
                return nil
            }
            state.holders[largest] = nil
            state.total -= holder.bytes
            return holder.connection
        }
    }

    var total: Int { state.withLock { $0.total } }
}
