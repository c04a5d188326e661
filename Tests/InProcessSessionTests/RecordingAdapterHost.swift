import CTributary
import Synchronization
import TributarySDK

/// A host table for driving an adapter's sessions in-process: every device authentication
/// succeeds with the names the adapter asked about, and every publish is recorded with its
/// completion, which the test runs when and in the order it likes (a sink answering out of
/// order). C callbacks cannot capture, so the record is process-wide: `reset()` first.
enum RecordingAdapterHost {
    /// The completion's context is used once, by whoever runs `complete`.
    struct Publish: @unchecked Sendable {
        let channel: String
        let payload: [UInt8]
        let isConnectionEvent: Bool
        fileprivate let done: trib_type_publish_done_fn?
        fileprivate let context: UnsafeMutableRawPointer?
    }

    private struct Record {
        var publishes: [Publish] = []
        var nextRoute: UInt64 = 1
    }

    private static let record = Mutex(Record())

    static let host = PluginHost(api: api, instance: OpaquePointer(bitPattern: 0x6164_6170)!)

    static func reset() { record.withLock { $0 = Record() } }

    /// The device messages published so far (connection events left out).
    static var messages: [Publish] { record.withLock { $0.publishes.filter { !$0.isConnectionEvent } } }

    /// Runs the completion of the `index`th device message with `status`.
    static func complete(_ index: Int, _ status: trib_type_status = trib_type_status(TRIB_OK)) {
        let publish = messages[index]
        publish.done?(publish.context, status)
    }

    nonisolated(unsafe) private static let api: UnsafePointer<trib_type_host_api> = {
        var table = trib_type_host_api()
        table.struct_size = UInt32(MemoryLayout<trib_type_host_api>.size)
        table.abi_major = TRIB_ABI_MAJOR
        table.abi_minor = TRIB_ABI_MINOR
        table.log = { _, _, _ in }
        table.log_enabled = { _, _ in 0 }
        table.metric_register = { _, _, _, _, out in
            out?.pointee = 1
            return Int32(TRIB_OK)
        }
        table.metric_add = { _, _, _ in }
        table.metric_set = { _, _, _ in }
        table.authenticate_device = { _, request, done, context in
            guard let request = request?.pointee else { return Int32(TRIB_ERR_INVALID) }
            var result = trib_type_device_auth_result(struct_size: UInt32(MemoryLayout<trib_type_device_auth_result>.size),
                                                      status: Int32(TRIB_OK), application: lent(request.application),
                                                      device: lent(request.device), as_device: lent(request.as_device),
                                                      properties: nil, property_count: 0)
            done?(context, &result)
            return Int32(TRIB_OK)
        }
        table.publish = { _, message, done, context in
            guard let message = message?.pointee else { return Int32(TRIB_ERR_INVALID) }
            let publish = Publish(channel: text(message.channel), payload: bytes(message.payload),
                                  isConnectionEvent: message.flags & UInt32(TRIB_MESSAGE_CONNECTION_EVENT) != 0,
                                  done: done, context: context)
            record.withLock { $0.publishes.append(publish) }
            return Int32(TRIB_OK)
        }
        table.command_route_add = { _, _, _, _, _, _, out in
            out?.pointee = record.withLock { r in
                defer { r.nextRoute += 1 }
                return r.nextRoute
            }
            return Int32(TRIB_OK)
        }
        table.command_route_remove = { _, _ in }
        let pointer = UnsafeMutablePointer<trib_type_host_api>.allocate(capacity: 1)
        pointer.initialize(to: table)
        return UnsafePointer(pointer)
    }()

    private static func bytes(_ buffer: trib_type_plugin_buffer) -> [UInt8] {
        guard let ptr = buffer.ptr, buffer.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: ptr, count: buffer.len))
    }

    private static func text(_ buffer: trib_type_plugin_buffer) -> String { String(decoding: bytes(buffer), as: UTF8.self) }
}

/// A fake host lends back what the plugin lent it: the same bytes, typed as the host's.
private func lent(_ buffer: trib_type_plugin_buffer) -> trib_type_host_buffer { trib_type_host_buffer(ptr: buffer.ptr, len: buffer.len) }
