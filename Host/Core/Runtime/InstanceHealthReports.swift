import Synchronization

/// What running instances said of their own health through `trib_host_report_health`: the
/// ones that work only in part, each with its reason, for `/healthz`. An instance's report goes
/// when it says it is well again or is destroyed.
public final class InstanceHealthReports: Sendable {
    /// Longest reason kept: one line for an operator, not a log.
    static let maxReasonBytes = 512

    private let reports = Mutex<[ObjectIdentifier: (instance: String, reason: String)]>([:])

    public init() {}

    func report(owner: ObjectIdentifier, instance: String, degraded: Bool, reason: String) {
        reports.withLock { reports in
            guard degraded else {
                reports[owner] = nil
                return
            }
            var line = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
            if line.utf8.count > Self.maxReasonBytes { line = String(decoding: line.utf8.prefix(Self.maxReasonBytes), as: UTF8.self) }
            reports[owner] = (instance, line)
        }
    }

    func removeAll(owner: ObjectIdentifier) {
        _ = reports.withLock { $0.removeValue(forKey: owner) }
    }

    /// Degraded instances and why, sorted by name.
    public var degraded: [(instance: String, reason: String)] {
        reports.withLock { Array($0.values) }.sorted { $0.instance < $1.instance }
    }
}
