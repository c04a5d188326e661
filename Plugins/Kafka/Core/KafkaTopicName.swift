import COpenSSL
import TributaryCrypto
import TributarySDK

/// Which topic an event goes to.
///
/// - Drogue's (no `topic` key): `events-{application}` when that is a DNS label under 63
///   characters, else `evt-{md5hex(application)}-{application}` lower-cased, every character
///   outside `[a-z0-9-]` made `-`, cut to 63 and trailing `-` trimmed
///   (`service-api/src/kafka/mod.rs`), so existing Drogue consumers find their topics.
/// - fixed: one topic for every event.
/// - a template: `{application}`, `{channel}` and `{device}` replaced; a result that is not a
///   valid Kafka topic name (1–249 of `[A-Za-z0-9._-]`) refuses that event, not the sink.
enum KafkaTopicName: Sendable, Equatable {
    case drogue
    case fixed(String)
    case template([Piece])

    enum Piece: Sendable, Equatable {
        case text(String)
        case application, channel, device
    }

    init(_ text: String?, file: String) throws(PluginError) {
        guard let text else {
            self = .drogue
            return
        }
        guard text.contains("{") else {
            guard Self.isValidTopic(text) else {
                throw PluginError("\(file): topic '\(text)' is not a Kafka topic name (1 to 249 of letters, digits, '.', '_', '-')")
            }
            self = .fixed(text)
            return
        }
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { throw PluginError("\(file): topic '\(text)': '{' without '}'") }
            switch rest[rest.index(after: open)..<close] {
            case "application": pieces.append(.application)
            case "channel": pieces.append(.channel)
            case "device": pieces.append(.device)
            case let other: throw PluginError("\(file): topic '\(text)': unknown placeholder {\(other)}; use {application}, {channel} or {device}")
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self = .template(pieces)
    }

    /// The topic for an event of `application` from `device` on `channel`; nil when a template
    /// makes an invalid name.
    func topic(application: String, channel: String, device: String) -> String? {
        switch self {
        case .drogue: return Self.drogueTopic(application)
        case .fixed(let name): return name
        case .template(let pieces):
            let name = pieces.map { piece -> String in
                switch piece {
                case .text(let text): text
                case .application: application
                case .channel: channel
                case .device: device
                }
            }.joined()
            return Self.isValidTopic(name) ? name : nil
        }
    }

    static func drogueTopic(_ application: String) -> String {
        let plain = "events-" + application
        if isDNSLabel(application) && plain.utf8.count < 63 { return plain }
        var name = "evt-" + Hex.encode(md5(Array(application.utf8))) + "-"
        for scalar in application.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "-": name.unicodeScalars.append(scalar)
            default: name += "-"
            }
        }
        var bytes = Array(name.utf8.prefix(63))
        while bytes.last == UInt8(ascii: "-") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 1123 label as Drogue's `is_dns_label` checks it: lower-case letters, digits and `-`,
    /// starting and ending with a letter or digit, at most 63 characters.
    static func isDNSLabel(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last,
              first != UInt8(ascii: "-"), last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }

    static func isValidTopic(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...249).contains(bytes.count), name != ".", name != ".." else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
    }

    private static func md5(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 16)
        var length = 0
        _ = EVP_Q_digest(nil, "MD5", nil, bytes, bytes.count, &digest, &length)
        return digest
    }
}
