import TributarySDK

/// Where the registry writes its log lines: the host's log, or a test's recorder. Messages are
/// built only when their level is on.
struct RegistryLog: Sendable {
    let isEnabled: @Sendable (LogLevel) -> Bool
    let write: @Sendable (LogLevel, String) -> Void

    init(isEnabled: @escaping @Sendable (LogLevel) -> Bool, write: @escaping @Sendable (LogLevel, String) -> Void) {
        self.isEnabled = isEnabled
        self.write = write
    }

    init(host: PluginHost) {
        self.init(isEnabled: { host.isLogEnabled($0) }, write: { level, message in host.log(level, message) })
    }

    func callAsFunction(_ level: LogLevel, _ message: @autoclosure () -> String) {
        if isEnabled(level) { write(level, message()) }
    }
}
