import CTributary
import Glibc

/// One normalized event in a single allocation: the `trib_type_event` the header describes, a
/// one-event `trib_type_batch` pointing at it, the extension array, and every byte they point to.
///
/// Sinks and pull consumers borrow it through raw pointers, so the record is kept alive (by the
/// publish operation and the bus queues that hold it) until the last of them is done.
public final class EventRecord: @unchecked Sendable {
    private let storage: UnsafeMutableRawPointer
    public let event: UnsafePointer<trib_type_event>
    public let singleBatch: UnsafePointer<trib_type_batch>
    /// Copied at build time for routing decisions without touching raw memory.
    public let application: String
    public let channel: String
    /// The size of its one allocation: what a queue holding it costs.
    public let byteCount: Int

    init(storage: UnsafeMutableRawPointer, byteCount: Int, event: UnsafePointer<trib_type_event>,
         singleBatch: UnsafePointer<trib_type_batch>, application: String, channel: String) {
        self.storage = storage
        self.byteCount = byteCount
        self.event = event
        self.singleBatch = singleBatch
        self.application = application
        self.channel = channel
    }

    deinit { free(storage) }
}
