import TributarySDK

/// How a device's PUBLISH topic names its channel and, for a gateway, the device it publishes for
/// (Drogue's dialects; here one per plugin instance, where Drogue reads it from the registry).
enum PublishTopic {
    /// `asDevice` is nil when the device publishes for itself. Nil overall for an invalid topic,
    /// or a channel the SDK's rule refuses (only a plain topic's own levels may put `/` in it).
    static func parse(_ topic: String, dialect: MQTTConfiguration.Dialect) -> (channel: String, asDevice: String?)? {
        guard let parsed = split(topic, dialect: dialect),
              ChannelName.problem(in: parsed.channel, allowingSlash: dialect != .drogue) == nil else { return nil }
        return parsed
    }

    private static func split(_ topic: String, dialect: MQTTConfiguration.Dialect) -> (channel: String, asDevice: String?)? {
        // The common case, a device publishing on a channel, without splitting.
        if dialect != .plainTopicDevicePrefix && !topic.utf8.contains(UInt8(ascii: "/")) {
            return topic.isEmpty ? nil : (topic, nil)
        }
        let segments = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch dialect {
        case .drogue:
            switch segments.count {
            case 1 where !segments[0].isEmpty: return (segments[0], nil)
            case 2 where !segments[0].isEmpty && !segments[1].isEmpty: return (segments[0], segments[1])
            default: return nil
            }
        case .plainTopic:
            return topic.isEmpty ? nil : (topic, nil)
        case .plainTopicDevicePrefix:
            guard segments.count >= 2 else { return nil }
            let channel = segments.dropFirst().joined(separator: "/")
            guard !channel.isEmpty else { return nil }
            return (channel, segments[0].isEmpty ? nil : segments[0])
        }
    }
}
