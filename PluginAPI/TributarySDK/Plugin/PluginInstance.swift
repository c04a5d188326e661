/// What every Swift plugin instance is: created by its definition's factory from its
/// configuration, then started, drained and released by the host (see the header's LIFECYCLE).
public protocol PluginInstance: AnyObject, Sendable {
    /// Begins work; throwing stops this instance only, with the message shown for its file.
    func start() throws(PluginError)
    /// Stops taking new work and finishes what is in flight before the deadline.
    func drain(deadlineUnixMilliseconds: Int64)
    /// Stops every thread and timer; called once, after `drain` (or after a failed `start`).
    func stop()
}

extension PluginInstance {
    public func start() throws(PluginError) {}
    public func drain(deadlineUnixMilliseconds: Int64) {}
    public func stop() {}
}

/// A sink: takes batches of events and completes each batch exactly once.
public protocol SinkInstance: PluginInstance {
    /// Takes `batch`. Return `.pending` and call `batch.complete(_:)` exactly once later (or before
    /// returning); return `.busy` or an error to take nothing. Must not block.
    func deliver(_ batch: SinkBatch) -> Status
}

/// A protocol adapter: its work begins in `start()`; it talks to the host through `PluginHost`.
public protocol AdapterInstance: PluginInstance {}
