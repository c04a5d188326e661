import TributarySDK

/// What the sink reads from librdkafka's statistics JSON (STATISTICS.md): records in its queues
/// and the brokers it is connected to, each by node id.
struct KafkaStatistics {
    var queuedRecords: Int64
    var brokersUp: Int
    var brokers: Int
    /// Each broker of the cluster by node id, with whether librdkafka's connection to it is UP.
    var brokerStates: [(id: Int, up: Bool)]

    init?(_ json: [UInt8]) {
        guard let node = try? PositionedJSONParser.parse(json) else { return nil }
        let root = JSONField(node: node, path: "")
        guard case .number(let count)? = (try? root.member("msg_cnt"))?.node.value, let queued = Int64(count) else { return nil }
        queuedRecords = queued
        var up = 0, all = 0
        var states: [(id: Int, up: Bool)] = []
        if case .object(let members)? = (try? root.member("brokers"))?.node.value {
            for member in members {
                let broker = JSONField(node: member.value, path: member.key)
                // Bootstrap entries (nodeid -1) are addresses, not brokers: count the cluster's own.
                guard case .number(let id)? = (try? broker.member("nodeid"))?.node.value, id != "-1", let nodeID = Int(id) else { continue }
                all += 1
                let isUp = (try? broker.member("state")?.string()) == "UP"
                if isUp { up += 1 }
                states.append((nodeID, isUp))
            }
        }
        brokersUp = up
        brokers = all
        brokerStates = states.sorted { $0.id < $1.id }
    }
}
