/// Topic names, topic filters and how they match (MQTT 5.0 section 4.7, 3.1.1 section 4.7).
///
/// A topic name is what a PUBLISH goes to: no wildcards. A topic filter is what a SUBSCRIBE asks
/// for: levels separated by `/`, where `+` stands alone in its level and matches exactly one
/// level, and `#` stands alone in the last level and matches its parent and every level below.
/// Topics starting with `$` are the server's: a filter starting with a wildcard does not match
/// them. A filter `$share/{ShareName}/{filter}` is a shared subscription (MQTT 5.0 section 4.8.2);
/// the codec accepts that form from clients of either version, because Tributary's integration
/// offers shared groups to both.
public enum MQTTTopic {
    /// What starts a shared subscription's filter.
    public static let sharedSubscriptionPrefix = "$share/"

    /// Whether `name` can be sent as a topic name: 1 to 65,535 UTF-8 bytes, no `+`, `#` or
    /// U+0000. (MQTT 5.0 also lets a PUBLISH carry an empty name with a topic alias; that is
    /// the decoder's concern, not a valid name.)
    public static func isValidName(_ name: String) -> Bool {
        withBytes(name) { isSendable($0) && isValidName($0) }
    }

    /// Whether `filter` is a valid topic filter, the shared form included: 1 to 65,535 UTF-8
    /// bytes, no U+0000, wildcards alone in their level, `#` only last.
    public static func isValidFilter(_ filter: String) -> Bool {
        withBytes(filter) { isSendable($0) && isValidFilter($0) }
    }

    /// Splits a valid shared subscription filter `$share/{ShareName}/{filter}` into its share
    /// name and topic filter; nil when `filter` is not a valid one.
    public static func sharedSubscription(_ filter: String) -> (shareName: String, filter: String)? {
        guard filter.hasPrefix(sharedSubscriptionPrefix), isValidFilter(filter) else { return nil }
        let rest = filter.utf8.dropFirst(sharedSubscriptionPrefix.utf8.count)
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return (String(Substring(rest[..<slash])), String(Substring(rest[rest.index(after: slash)...])))
    }

    /// Whether a message published to `topic` reaches a subscription to `filter`. Both must be
    /// valid; for a shared subscription pass the filter inside it (`sharedSubscription`), since
    /// the `$share/{ShareName}/` part is not matched against topics.
    public static func matches(filter: String, topic: String) -> Bool {
        withBytes(filter) { f in withBytes(topic) { t in matches(filter: f, topic: t) } }
    }

    // MARK: Byte-level rules, shared with the decoder

    private static let slash = UInt8(ascii: "/")
    private static let plus = UInt8(ascii: "+")
    private static let hash = UInt8(ascii: "#")
    private static let dollar = UInt8(ascii: "$")

    /// A non-empty topic name without wildcards (the decoder has checked the UTF-8 already).
    static func isValidName(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.isEmpty && !bytes.contains(where: { $0 == plus || $0 == hash })
    }

    /// A topic name without wildcards that may be empty: what a MQTT 5.0 PUBLISH with a topic
    /// alias may carry.
    static func isValidNameOrEmpty(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.isEmpty || isValidName(bytes)
    }

    static func isValidFilter(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return false }
        let prefix = sharedSubscriptionPrefix.utf8
        guard bytes.count >= prefix.count, bytes.prefix(prefix.count).elementsEqual(prefix) else {
            return isValidPlainFilter(UnsafeRawBufferPointer(rebasing: bytes[...]))
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[prefix.count...])
        // The share name: at least one character, none of them '+' or '#', then '/' and a filter.
        guard let end = rest.firstIndex(of: slash), end > 0,
            !rest[..<end].contains(where: { $0 == plus || $0 == hash })
        else { return false }
        return isValidPlainFilter(UnsafeRawBufferPointer(rebasing: rest[(end + 1)...]))
    }

    /// Whether a filter is the shared form (valid or not, it then obeys the shared rules).
    static func isSharedSubscription(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let prefix = sharedSubscriptionPrefix.utf8
        return bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix)
    }

    private static func isValidPlainFilter(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return false }
        var levelLength = 0
        var wildcard: UInt8 = 0
        for byte in bytes {
            if byte == slash {
                // A wildcard must fill its level, and '#' must be the last level.
                if wildcard != 0 && (levelLength != 1 || wildcard == hash) { return false }
                levelLength = 0
                wildcard = 0
            } else {
                if byte == plus || byte == hash { wildcard = byte }
                levelLength &+= 1
            }
        }
        return wildcard == 0 || levelLength == 1
    }

    static func matches(filter: UnsafeRawBufferPointer, topic: UnsafeRawBufferPointer) -> Bool {
        guard let first = filter.first else { return false }
        if topic.first == dollar && (first == plus || first == hash) { return false }
        var f = 0
        var t = 0
        while true {
            // Both indexes stand at the start of a level here.
            if f < filter.count && filter[f] == hash { return true }
            if f < filter.count && filter[f] == plus {
                while t < topic.count && topic[t] != slash { t &+= 1 }
                f &+= 1
            } else {
                while f < filter.count && filter[f] != slash {
                    guard t < topic.count, topic[t] == filter[f] else { return false }
                    f &+= 1
                    t &+= 1
                }
                if t < topic.count && topic[t] != slash { return false }
            }
            let filterDone = f == filter.count
            let topicDone = t == topic.count
            if filterDone || topicDone {
                // "a/#" also matches "a": the topic may end where only "/#" is left.
                return filterDone == topicDone
                    || (topicDone && f &+ 2 == filter.count && filter[f &+ 1] == hash)
            }
            f &+= 1
            t &+= 1
        }
    }

    /// Lengths up to 65,535 bytes and no U+0000: what the wire format can carry.
    private static func isSendable(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count <= Int(UInt16.max) && !bytes.contains(0)
    }

    private static func withBytes<R>(_ string: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var string = string
        return string.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
