import TributaryNet
import TributarySDK

/// How events are put into HTTP requests (the CloudEvents HTTP binding's content modes).
enum ContentMode: String, Sendable {
    /// One event per request: attributes as `ce-*` headers, `Content-Type` = datacontenttype,
    /// body = data. What Drogue's HTTP sinks send.
    case binary
    /// One event per request as `application/cloudevents+json`.
    case structured
    /// Up to `batch_size` events per request as `application/cloudevents-batch+json`.
    case batch
}

/// The `webhook-push` drop-in keys. Secrets (`basic_password`, `bearer_token`, header values)
/// arrive resolved from `${env:NAME}` / `${file:/path}` by the host.
///
/// | key | type | default |
/// |---|---|---|
/// | `url` | `http://` or `https://` URL | required |
/// | `mode` | `binary`, `structured`, `batch` | `binary` |
/// | `batch_size`, `batch_linger_ms` | integer | 100, 20 |
/// | `max_connections` | integer | 8 |
/// | `request_timeout_ms` | integer | 5000 |
/// | `retry_base_ms`, `retry_cap_ms`, `retry_limit` | integer | 100, 30000, 0 (unlimited) |
/// | `max_pending` | integer | 10000 |
/// | `spool_dir`, `spool_max_bytes` | string, integer | none, 1 GiB |
/// | `dead_letter_file` | string | `<state_dir>/dead-letter.jsonl` |
/// | `ca_file`, `client_certificate`, `client_key` | PEM files | system store, none |
/// | `basic_username`, `basic_password`, `bearer_token` | string | none |
/// | `headers` | array of `"Name: value"` | none |
/// | `event_loops` | integer | 1 |
struct WebhookConfiguration: Sendable {
    var url: HTTPURL
    var mode: ContentMode
    var batchSize: Int
    var batchLingerMilliseconds: Int64
    var maxConnections: Int
    var requestTimeoutMilliseconds: Int64
    var retry: RetryPolicy
    var maxPending: Int
    var spoolDirectory: String?
    var spoolMaxBytes: Int64
    var deadLetterFile: String
    var tls: TLSClientConfiguration
    /// Authorization and custom headers, added to every request.
    var headers: HTTPHeaders
    var eventLoops: Int

    init(_ config: PluginConfig) throws(PluginError) {
        let urlText = try config.requiredString("url")
        do {
            url = try HTTPURL(urlText)
        } catch {
            throw PluginError("\(config.file): 'url': \(error)")
        }
        let modeText = try config.string("mode", default: "binary")
        guard let mode = ContentMode(rawValue: modeText) else {
            throw PluginError("\(config.file): 'mode' must be binary, structured or batch, found '\(modeText)'")
        }
        self.mode = mode
        batchSize = Int(try config.integer("batch_size", default: 100, range: 1...10_000))
        batchLingerMilliseconds = try config.integer("batch_linger_ms", default: 20, range: 0...60_000)
        maxConnections = Int(try config.integer("max_connections", default: 8, range: 1...1024))
        requestTimeoutMilliseconds = try config.integer("request_timeout_ms", default: 5_000, range: 10...600_000)
        retry = RetryPolicy(
            baseMilliseconds: try config.integer("retry_base_ms", default: 100, range: 1...3_600_000),
            capMilliseconds: try config.integer("retry_cap_ms", default: 30_000, range: 1...86_400_000),
            limit: Int(try config.integer("retry_limit", default: 0, range: 0...1_000_000)))
        maxPending = Int(try config.integer("max_pending", default: 10_000, range: 1...10_000_000))
        spoolDirectory = try config.string("spool_dir").map { Self.absolute($0, relativeTo: config.file) }
        spoolMaxBytes = try config.integer("spool_max_bytes", default: 1 << 30, range: (1 << 20)...(1 << 50))
        deadLetterFile = Self.absolute(try config.string("dead_letter_file", default: config.stateDirectory + "/dead-letter.jsonl"),
                                       relativeTo: config.file)

        let certificate = try config.string("client_certificate")
        let key = try config.string("client_key")
        guard (certificate == nil) == (key == nil) else {
            throw PluginError("\(config.file): 'client_certificate' and 'client_key' go together")
        }
        tls = TLSClientConfiguration(caFile: try config.string("ca_file"), certificateFile: certificate, privateKeyFile: key)
        if url.origin.scheme == .http && (tls.caFile != nil || certificate != nil) {
            throw PluginError("\(config.file): 'ca_file', 'client_certificate' and 'client_key' need an https:// url")
        }

        headers = HTTPHeaders()
        let username = try config.string("basic_username")
        let password = try config.string("basic_password")
        let bearer = try config.string("bearer_token")
        guard (username == nil) == (password == nil) else {
            throw PluginError("\(config.file): 'basic_username' and 'basic_password' go together")
        }
        if let username, let password {
            guard bearer == nil else { throw PluginError("\(config.file): choose 'basic_username'/'basic_password' or 'bearer_token', not both") }
            guard !username.contains(":") else { throw PluginError("\(config.file): 'basic_username' must not contain ':'") }
            var credentials: [UInt8] = []
            Array("\(username):\(password)".utf8).withUnsafeBytes { Base64.encode($0, into: &credentials) }
            try Self.add("Authorization", "Basic " + String(decoding: credentials, as: UTF8.self), to: &headers, file: config.file)
        } else if let bearer {
            try Self.add("Authorization", "Bearer " + bearer, to: &headers, file: config.file)
        }
        for line in try config.stringArray("headers") {
            guard let colon = line.firstIndex(of: ":") else {
                throw PluginError("\(config.file): 'headers' entries are \"Name: value\", found '\(line)'")
            }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...]).trimmingBlanks()
            if WebhookConfiguration.reservedHeaders.contains(where: { $0.caseInsensitiveEquals(name) }) || name.lowercased().hasPrefix("ce-") {
                throw PluginError("\(config.file): 'headers' must not set '\(name)', the sink sets it")
            }
            try Self.add(name, value, to: &headers, file: config.file)
        }
        eventLoops = Int(try config.integer("event_loops", default: 1, range: 1...64))
        try config.finish()
    }

    /// Headers the sink writes itself: framing, and (with every `ce-*`) the CloudEvent's own.
    static let reservedHeaders = ["Host", "Content-Length", "Transfer-Encoding", "Content-Type", "Connection"]

    private static func add(_ name: String, _ value: String, to headers: inout HTTPHeaders, file: String) throws(PluginError) {
        do {
            try headers.add(name: name, value: value)
        } catch {
            // The value may be a secret: name the header only.
            throw PluginError("\(file): header '\(name)' cannot be sent (invalid name, or a value with control characters)")
        }
    }

    private static func absolute(_ path: String, relativeTo file: String) -> String {
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}

extension String {
    func trimmingBlanks() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }

    func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
