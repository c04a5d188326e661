import Glibc
import TributarySDK

/// The `kafka` sink's drop-in keys, and the librdkafka properties of its `[librdkafka]` table.
///
/// | key | default | |
/// |---|---|---|
/// | `topic` | Drogue's | `events-{application}` with Drogue's hashed fallback when unset; a name without `{` is one fixed topic; otherwise a template of `{application}`, `{channel}`, `{device}` |
/// | `content_mode` | `binary` | or `structured` (the event's JSON as the value, `content-type: application/cloudevents+json`) |
/// | `[librdkafka]` | see below | every librdkafka producer property, passed through; `NAME.env = "VAR"` and `NAME.file = "/path"` read a secret from the environment or a file |
struct KafkaConfiguration: Sendable {
    enum ContentMode: String, Sendable {
        case binary, structured
    }

    /// No loss by default: the broker acknowledges only once every in-sync replica has the
    /// record, and retries cannot duplicate or reorder it.
    static let defaults: [(String, String)] = [
        ("enable.idempotence", "true"),
        ("acks", "all"),
        ("linger.ms", "5"),
        ("message.timeout.ms", "30000"),
        ("statistics.interval.ms", "5000"),
    ]

    var topic: KafkaTopicName
    var contentMode: ContentMode
    /// In file order, after the defaults: (property, value, where it was written).
    var properties: [(name: String, value: String, position: String)]

    init(_ config: PluginConfig) throws(PluginError) {
        topic = try KafkaTopicName(try config.string("topic"), file: config.file)
        let mode = try config.string("content_mode", default: "binary")
        guard let contentMode = ContentMode(rawValue: mode) else {
            throw PluginError("\(config.file): content_mode must be binary or structured, found '\(mode)'")
        }
        self.contentMode = contentMode
        var properties: [(name: String, value: String, position: String)] = Self.defaults.map { ($0.0, $0.1, "default") }
        for entry in config.table("librdkafka") {
            let value: String
            switch entry.value {
            case .string(let text): value = text
            case .integer(let number): value = String(number)
            case .float(let number): value = String(number)
            case .boolean(let flag): value = flag ? "true" : "false"
            case .array(let elements):
                // A list property (bootstrap.servers) may be written as an array of strings.
                let texts = elements.compactMap { element -> String? in if case .string(let text) = element { text } else { nil } }
                guard texts.count == elements.count else { throw PluginError("\(entry.position): librdkafka '\(entry.key)': an array must hold strings") }
                value = texts.joined(separator: ",")
            }
            properties.append(try Self.resolved(entry.key, value, entry.position))
        }
        guard properties.contains(where: { $0.name == "bootstrap.servers" || $0.name == "metadata.broker.list" }) else {
            throw PluginError("\(config.file): [librdkafka] bootstrap.servers is required: the brokers to connect to, e.g. \"kafka-1:9092,kafka-2:9092\"")
        }
        self.properties = properties
        try config.finish()
    }

    /// `NAME.env` and `NAME.file` stand for the property NAME, its value read from there, so a
    /// password need not sit in a drop-in file (and the file's own reload re-reads it).
    private static func resolved(_ key: String, _ value: String, _ position: String) throws(PluginError) -> (name: String, value: String, position: String) {
        if key.hasSuffix(".env") {
            let name = String(key.dropLast(4))
            guard let found = getenv(value) else { throw PluginError("\(position): librdkafka '\(name)': the environment variable \(value) is not set") }
            return (name, String(cString: found), position)
        }
        if key.hasSuffix(".file") {
            let name = String(key.dropLast(5))
            let bytes: [UInt8]
            do {
                bytes = try FileContents.read(value, maxBytes: 65536)
            } catch {
                throw PluginError("\(position): librdkafka '\(name)': \(value): \(error)")
            }
            var text = String(decoding: bytes, as: UTF8.self)
            while text.last == "\n" || text.last == "\r" { text.removeLast() }
            return (name, text, position)
        }
        return (key, value, position)
    }

    /// Whether a property holds a secret, so it is never logged or shown.
    static func isSecret(_ name: String) -> Bool {
        name.hasSuffix("password") || name.hasSuffix(".key.pem") || name.hasSuffix("secret") || name == "sasl.oauthbearer.config"
    }
}
