import CTributary

/// A batch lent to a sink, valid until `complete(_:)` is called (the header's one exception to
/// "valid until the hook returns"), which must happen exactly once.
public struct SinkBatch: @unchecked Sendable {
    public let host: PluginHost
    public let operation: UInt64
    public let batch: UnsafePointer<trib_type_batch>

    public init(host: PluginHost, operation: UInt64, batch: UnsafePointer<trib_type_batch>) {
        self.host = host
        self.operation = operation
        self.batch = batch
    }

    public var count: Int { batch.pointee.count }

    public subscript(index: Int) -> UnsafePointer<trib_type_event> {
        precondition(index >= 0 && index < count, "event index out of range")
        return batch.pointee.events[index]!
    }

    /// Completes the delivery; after this the batch and its events must not be touched.
    public func complete(_ status: Status) {
        host.api.pointee.complete_delivery(host.instance, operation, status.rawValue)
    }
}
