import CTributary

/// What a plugin's metric is on /metrics (`trib_type_metric_kind`).
public enum MetricKind: Sendable {
    case counter, gauge
    var cValue: trib_type_metric_kind { self == .counter ? TRIB_METRIC_COUNTER : TRIB_METRIC_GAUGE }
}

/// A metric handle; adding and setting are lock-free in the host.
public struct Metric: Sendable {
    let host: PluginHost
    let id: UInt64

    public func add(_ delta: Int64 = 1) { host.api.pointee.metric_add(host.instance, id, delta) }
    public func set(_ value: Int64) { host.api.pointee.metric_set(host.instance, id, value) }
}

/// A metric the host may have refused to register (`registerMetric` returns nil) is simply not
/// counted; these let plugins keep one call site either way.
extension Optional where Wrapped == Metric {
    public func add(_ delta: Int64 = 1) { self?.add(delta) }
    public func set(_ value: Int64) { self?.set(value) }
}
