import Synchronization

/// What the console's status page shows of the drop-ins: each instance's plugin, kind, file,
/// state and last error. The control thread replaces it after the start and after every reload;
/// the admin endpoint's thread reads it.
public final class ConsoleInstances: Sendable {
    struct Summary: Sendable {
        var name: String
        var plugin: String
        var kind: String
        var file: String
        var state: String
        var error: String
    }

    private let summaries = Mutex<[Summary]>([])

    public init() {}

    /// On the control thread: the configured drop-ins as they stand now.
    func update(configured: [InstanceConfig], running: [RunningInstance], health: HostHealth) {
        let failed = Dictionary(health.notRunning.map { ($0.name, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let list = configured.map { config -> Summary in
            let instance = running.first { $0.config.name == config.name }
            let state = instance != nil ? "running" : !config.enabled ? "disabled" : "failed"
            return Summary(name: config.name, plugin: config.plugin, kind: instance?.kind.name ?? "", file: config.file, state: state,
                           error: instance == nil ? failed[config.name] ?? "" : "")
        }
        summaries.withLock { $0 = list }
    }

    var json: String {
        let objects = summaries.withLock { $0 }.map { s in
            "{\"name\":\(quoted(s.name)),\"plugin\":\(quoted(s.plugin)),\"kind\":\(quoted(s.kind)),\"file\":\(quoted(s.file)),"
                + "\"state\":\(quoted(s.state)),\"error\":\(quoted(Redaction.redact(s.error)))}"
        }
        return "[" + objects.joined(separator: ",") + "]"
    }
}
