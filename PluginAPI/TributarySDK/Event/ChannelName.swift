/// The one rule every adapter applies to the channel a device names (the event's `subject`),
/// however its protocol spells it: sinks file events by subject, and a name decoded from
/// percent-escapes or a topic could otherwise climb out of a directory (`../../etc/passwd`),
/// carry a NUL that ends it early in C, or grow without bound (#12 item 10).
///
/// A valid name is 1 to `maximumUTF8Length` bytes of UTF-8 with no control character (C0, DEL,
/// C1) and no `.` or `..` level; `/` only where the protocol's own level separator put it (an MQTT
/// plain topic), never from decoding (HTTP's `%2F`).
public enum ChannelName {
    public static let maximumUTF8Length = 256

    public enum Problem: Sendable, Equatable {
        case empty
        case tooLong
        case controlCharacter
        case slash
        case dotLevel

        /// For an error answer.
        public var reason: String {
            switch self {
            case .empty: "the channel is empty"
            case .tooLong: "the channel is longer than \(ChannelName.maximumUTF8Length) bytes"
            case .controlCharacter: "the channel contains a control character"
            case .slash: "the channel contains '/'"
            case .dotLevel: "the channel has a '.' or '..' level"
            }
        }
    }

    /// Why `name` is not a valid channel, or nil when it is.
    public static func problem(in name: String, allowingSlash: Bool = false) -> Problem? {
        let utf8 = name.utf8
        if utf8.isEmpty { return .empty }
        if utf8.count > maximumUTF8Length { return .tooLong }
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return .controlCharacter }
            if scalar == "/" && !allowingSlash { return .slash }
        }
        let levels = allowingSlash ? utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) : [utf8[...]]
        if levels.contains(where: { $0.elementsEqual(".".utf8) || $0.elementsEqual("..".utf8) }) { return .dotLevel }
        return nil
    }
}
