import Synchronization
import TributarySDK

/// Reloads an instance's TLS contexts when their files change: one inotify watch per directory
/// holding one of their files (any change there is looked at, so a Kubernetes secret's `..data`
/// symlink swap is seen too; only a context whose own files changed reloads). Each reload is
/// logged; a refused one keeps the previous context, and `/healthz` says so (degraded, with the
/// file and why) until the files pass. SIGHUP reads every file again, watched or not (a symlink
/// whose target changed in another directory is not seen by the watch). Counted in `tributary_plugin_<metrics>_reloads_total` and
/// `..._reload_failures_total`.
public final class TLSFileWatch: Sendable {
    private let host: PluginHost
    private let part: String
    private let items: [(label: String, files: any ReloadableTLSFiles)]
    private let reloads: Metric?
    private let failures: Metric?
    private let refused = Mutex<[String: String]>([:])
    private let watchers = Mutex<[FileWatcher]>([])
    private let refreshHandler = Mutex<PluginHost.RefreshHandler?>(nil)

    /// - Parameters:
    ///   - metrics: the metric name prefix, e.g. `mqtt_tls` or `webhook_tls_client`.
    ///   - part: the instance's health part (`PluginHost.reportHealth(_:degradedBecause:)`).
    ///   - items: each context with what the log calls it ("devices (TLS)", "key set client").
    public init(metrics: String, part: String, host: PluginHost, items: [(label: String, files: any ReloadableTLSFiles)]) {
        self.host = host
        self.part = part
        self.items = items
        reloads = host.registerMetric(.counter, name: "\(metrics)_reloads_total", help: "TLS files loaded again (changed on disk, or SIGHUP).")
        failures = host.registerMetric(.counter, name: "\(metrics)_reload_failures_total", help: "Changed TLS files refused (the previous ones stay in use).")
    }

    /// Starts watching; a directory that cannot be watched is logged, and its files are then
    /// read again only on SIGHUP or a restart.
    public func start() {
        let handler = host.onRefresh { [self] in reload(everything: true) }
        refreshHandler.withLock { $0 = handler }
        var directories: Set<String> = []
        for item in items {
            for file in item.files.files {
                let slash = file.lastIndex(of: "/")
                directories.insert(slash.map { file[..<$0].isEmpty ? "/" : String(file[..<$0]) } ?? ".")
            }
        }
        for directory in directories.sorted() {
            do {
                let watcher = try FileWatcher(directory: directory, isRelevant: { _ in true }) { [self] in reload(everything: false) }
                watcher.start()
                watchers.withLock { $0.append(watcher) }
            } catch {
                host.log(.warn, "TLS files in \(directory) are not watched (\(error)); a changed file needs SIGHUP or a restart")
            }
        }
    }

    /// A started watch of a TLS client's own files (health part "tls client"), or nil when it has
    /// none (the system store) or there is no context.
    public static func following(_ client: ReloadingTLSClientContext?, label: String, metrics: String, host: PluginHost) -> TLSFileWatch? {
        guard let client, !client.files.isEmpty else { return nil }
        let watch = TLSFileWatch(metrics: metrics, part: "tls client", host: host, items: [(label, client)])
        watch.start()
        return watch
    }

    public func stop() {
        if let handler = refreshHandler.withLock({ handler in defer { handler = nil }; return handler }) {
            host.removeRefreshHandler(handler)
        }
        for watcher in watchers.withLock({ watchers in defer { watchers = [] }; return watchers }) { watcher.stop() }
    }

    /// Reloads the contexts whose files changed, or with `everything` (SIGHUP) all of them.
    private func reload(everything: Bool) {
        var changed = false
        for (label, files) in items where everything || files.filesChanged {
            changed = true
            if let error = files.reload() {
                failures.add()
                host.log(.warn, "\(label): the changed TLS files were refused, the previous ones are still in use: \(error)")
                refused.withLock { $0[label] = "\(error)" }
            } else {
                reloads.add()
                host.log(.info, "\(label): \(files.files.joined(separator: ", ")) loaded; new connections use them")
                refused.withLock { $0[label] = nil }
            }
        }
        guard changed else { return }
        let reasons = refused.withLock { $0.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" } }
        host.reportHealth(part, degradedBecause: reasons.isEmpty ? nil
            : "TLS files not reloaded, the previous ones are still in use: " + reasons.joined(separator: "; "))
    }
}
