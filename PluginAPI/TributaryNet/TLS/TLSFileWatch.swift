import Synchronization
import TributarySDK

/// Reloads an adapter's TLS contexts when their files change: one inotify watch per directory
/// holding a certificate or key (any change there counts, so a Kubernetes secret's `..data`
/// symlink swap is seen too). Each reload is logged; a refused one keeps the previous
/// certificate, and `/healthz` says so (degraded, with the file and why) until the files pass.
/// Counted in `tributary_plugin_<name>_tls_reloads_total` and `..._tls_reload_failures_total`.
final class TLSFileWatch: Sendable {
    private let host: PluginHost
    private let contexts: [(label: String, context: ReloadingTLSContext)]
    private let reloads: Metric?
    private let failures: Metric?
    private let refused = Mutex<[String: String]>([:])
    private let watchers = Mutex<[FileWatcher]>([])

    init(name: String, host: PluginHost, contexts: [(label: String, context: ReloadingTLSContext)]) {
        self.host = host
        self.contexts = contexts
        reloads = host.registerMetric(.counter, name: "\(name)_tls_reloads_total", help: "TLS certificate and key files loaded again after a change.")
        failures = host.registerMetric(.counter, name: "\(name)_tls_reload_failures_total", help: "Changed TLS files refused (the previous certificate stays).")
    }

    /// Starts watching; a directory that cannot be watched is logged, and its files are then
    /// read again only on a restart.
    func start() {
        var directories: Set<String> = []
        for (_, context) in contexts {
            for file in [context.configuration.certificateFile, context.configuration.privateKeyFile] {
                let slash = file.lastIndex(of: "/")
                directories.insert(slash.map { file[..<$0].isEmpty ? "/" : String(file[..<$0]) } ?? ".")
            }
        }
        for directory in directories.sorted() {
            do {
                let watcher = try FileWatcher(directory: directory, isRelevant: { _ in true }) { [self] in reloadAll() }
                watcher.start()
                watchers.withLock { $0.append(watcher) }
            } catch {
                host.log(.warn, "TLS files in \(directory) are not watched (\(error)); a changed certificate needs a restart")
            }
        }
    }

    func stop() {
        for watcher in watchers.withLock({ watchers in defer { watchers = [] }; return watchers }) { watcher.stop() }
    }

    private func reloadAll() {
        for (label, context) in contexts where context.filesChanged {
            if let error = context.reload() {
                failures.add()
                host.log(.warn, "\(label) (TLS): the changed certificate or key was refused, the previous one is still served: \(error)")
                refused.withLock { $0[label] = "\(error)" }
            } else {
                reloads.add()
                host.log(.info, "\(label) (TLS): certificate \(context.configuration.certificateFile) loaded; new connections use it")
                refused.withLock { $0[label] = nil }
            }
        }
        let reasons = refused.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key) (TLS): \($0.value)" } }
        host.reportHealth(degradedBecause: reasons.isEmpty ? nil
            : "TLS files not reloaded, the previous certificate is still served: " + reasons.joined(separator: "; "))
    }
}
