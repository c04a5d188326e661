import TributarySDK

/// The `/healthz` document: `ok`, or `degraded` with every reason an operator should act on:
/// drop-ins that should run and do not (each with its error), running instances that said they
/// work only in part (`trib_host_report_health`), and a last reload that was refused or applied
/// only in part.
struct HealthReport {
    let health: HostHealth
    let reports: InstanceHealthReports
    let lastReload: ReloadResult?

    var json: String {
        let missing = health.notRunning
        let degraded = reports.degraded
        let reloadFailed = lastReload.map { !$0.applied } ?? false
        guard !missing.isEmpty || !degraded.isEmpty || reloadFailed else { return "{\"status\":\"ok\"}" }
        var reasons: [String] = []
        if !missing.isEmpty {
            reasons.append("not running: " + missing.map(\.name).joined(separator: ", "))
        }
        for report in degraded { reasons.append("\(report.instance): \(report.reason)") }
        if let last = lastReload, !last.applied {
            reasons.append(last.changed ? "the last reload was applied in part" : "the last reload was refused; the previous configuration keeps running")
        }
        let notRunning = missing.map { "{\"instance\":\(quoted($0.name)),\"error\":\(quoted($0.reason))}" }
        var json = "{\"status\":\"degraded\",\"reason\":\(quoted(reasons.joined(separator: "; "))),\"notRunning\":[\(notRunning.joined(separator: ","))]"
        if !degraded.isEmpty {
            let objects = degraded.map { "{\"instance\":\(quoted($0.instance)),\"reason\":\(quoted($0.reason))}" }
            json += ",\"degraded\":[\(objects.joined(separator: ","))]"
        }
        if let last = lastReload, !last.applied { json += ",\"lastReload\":\(last.json)" }
        return json + "}"
    }
}
