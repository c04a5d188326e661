import MQTTCodec

/// QoS 1 and 2 acknowledgements in the order the PUBLISH packets arrived (MQTT 3.1.1 §4.6 asks
/// for PUBACKs in order), although sinks complete in any order: an outcome waits until every
/// earlier publish has its own. Loop thread only.
struct OrderedAcknowledgements {
    private var pending: [(packetID: UInt16, outcome: MQTTPacket?)] = []

    mutating func expect(_ packetID: UInt16) {
        pending.append((packetID, nil))
    }

    /// Records the answer for `packetID` and returns every answer that can now go out, in order.
    mutating func complete(_ packetID: UInt16, with packet: MQTTPacket) -> [MQTTPacket] {
        if let index = pending.firstIndex(where: { $0.packetID == packetID && $0.outcome == nil }) {
            pending[index].outcome = packet
        }
        var ready: [MQTTPacket] = []
        while let first = pending.first, let outcome = first.outcome {
            ready.append(outcome)
            pending.removeFirst()
        }
        return ready
    }
}
