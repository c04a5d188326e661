import CTributary
import Glibc
import Synchronization

/// A host callback table for driving a plugin without the host. It records what the plugin
/// completes, logs and counts. C callbacks cannot capture, so there is one process-wide record:
/// call `reset()` first, and do not run tests that use it in parallel.
public enum FakeHost {
    public struct DeviceCompletion: Equatable, Sendable {
        public let status: Int32
        public let application: String
        public let device: String
        public let asDevice: String

        public init(status: Int32, application: String, device: String, asDevice: String) {
            self.status = status
            self.application = application
            self.device = device
            self.asDevice = asDevice
        }
    }

    public struct UserCompletion: Equatable, Sendable {
        public let status: Int32
        public let user: String
        public let roles: [String]

        public init(status: Int32, user: String, roles: [String]) {
            self.status = status
            self.user = user
            self.roles = roles
        }
    }

    private struct Record {
        var devices: [UInt64: DeviceCompletion] = [:]
        var users: [UInt64: UserCompletion] = [:]
        var authorizations: [UInt64: Int32] = [:]
        var metricIDs: [String: UInt64] = [:]
        var metricValues: [UInt64: Int64] = [:]
        var logs: [String] = []
    }

    private static let record = Mutex(Record())
    private static let logLevel = Atomic<Int32>(Int32(TRIB_LOG_TRACE.rawValue))

    /// The instance handle handed to the plugin; the fake table ignores it.
    nonisolated(unsafe) public static let instance = OpaquePointer(bitPattern: 0x7472_6962)!

    nonisolated(unsafe) public static let api: UnsafePointer<trib_type_host_api> = {
        var table = trib_type_host_api()
        table.struct_size = UInt32(MemoryLayout<trib_type_host_api>.size)
        table.abi_major = TRIB_ABI_MAJOR
        table.abi_minor = TRIB_ABI_MINOR
        table.log = { _, level, message in
            let line = "\(level.rawValue) \(text(message))"
            record.withLock { $0.logs.append(line) }
        }
        table.log_enabled = { _, level in Int32(level.rawValue) <= logLevel.load(ordering: .relaxed) ? 1 : 0 }
        table.complete_device_auth = { _, op, result in
            guard let r = result?.pointee else { return }
            let completion = DeviceCompletion(status: r.status, application: text(r.application), device: text(r.device), asDevice: text(r.as_device))
            record.withLock { $0.devices[op] = completion }
        }
        table.complete_user_auth = { _, op, result in
            guard let r = result?.pointee else { return }
            let roles = UnsafeBufferPointer(start: r.roles, count: r.roles == nil ? 0 : r.role_count).map(text)
            record.withLock { $0.users[op] = UserCompletion(status: r.status, user: text(r.user), roles: roles) }
        }
        table.complete_authorize = { _, op, status in record.withLock { $0.authorizations[op] = status } }
        table.metric_register = { _, _, name, _, out in
            let key = text(name)
            out?.pointee = record.withLock { r in
                if let id = r.metricIDs[key] { return id }
                let id = UInt64(r.metricIDs.count + 1)
                r.metricIDs[key] = id
                return id
            }
            return Int32(TRIB_OK)
        }
        table.metric_add = { _, id, delta in record.withLock { $0.metricValues[id, default: 0] += delta } }
        table.metric_set = { _, id, value in record.withLock { $0.metricValues[id] = value } }
        let pointer = UnsafeMutablePointer<trib_type_host_api>.allocate(capacity: 1)
        pointer.initialize(to: table)
        return UnsafePointer(pointer)
    }()

    /// Forgets every completion, metric value and log line; `level` is the most verbose logged.
    public static func reset(logLevel level: trib_type_log_level = TRIB_LOG_TRACE) {
        record.withLock { $0 = Record() }
        logLevel.store(Int32(level.rawValue), ordering: .relaxed)
    }

    public static func deviceCompletion(_ op: UInt64) -> DeviceCompletion? { record.withLock { $0.devices[op] } }
    public static func userCompletion(_ op: UInt64) -> UserCompletion? { record.withLock { $0.users[op] } }
    public static func authorizeCompletion(_ op: UInt64) -> Int32? { record.withLock { $0.authorizations[op] } }
    public static var deviceCompletionCount: Int { record.withLock { $0.devices.count } }
    public static var logs: [String] { record.withLock { $0.logs } }

    /// A counter's value by the name the plugin registered.
    public static func metric(_ name: String) -> Int64 {
        record.withLock { r in r.metricIDs[name].flatMap { r.metricValues[$0] } ?? 0 }
    }

    /// Polls until `op`'s device completion arrives or `seconds` pass.
    public static func waitForDeviceCompletion(_ op: UInt64, seconds: Double = 10) -> DeviceCompletion? {
        var waited = 0.0
        while waited < seconds {
            if let completion = deviceCompletion(op) { return completion }
            usleep(1_000)
            waited += 0.001
        }
        return nil
    }

    private static func text(_ buffer: trib_type_plugin_buffer) -> String {
        guard let ptr = buffer.ptr, buffer.len > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: ptr, count: buffer.len), as: UTF8.self)
    }

    private static func text(_ buffer: trib_type_host_buffer) -> String {
        guard let ptr = buffer.ptr, buffer.len > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: ptr, count: buffer.len), as: UTF8.self)
    }
}
