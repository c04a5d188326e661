import CTributary
import Glibc

/// A plugin driven through its C entry point and `FakeHost`'s table, as the host drives it.
public final class CPlugin {
    public enum ConfigValue {
        case string(String)
        case integer(Int64)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32
        public let description: String
    }

    public let descriptor: UnsafePointer<trib_type_plugin_descriptor>

    public init(entry: trib_on_plugin_entry_fn) throws {
        var out: UnsafePointer<trib_type_plugin_descriptor>?
        let status = entry(TRIB_ABI_MAJOR, TRIB_ABI_MINOR, &out)
        guard status == TRIB_OK, let out else { throw Failure(status: status, description: "entry refused the host") }
        descriptor = out
    }

    /// Loads a built library the way the host does (the image stays loaded).
    public convenience init(library path: String) throws {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw Failure(status: Int32(TRIB_ERR_INVALID), description: String(cString: dlerror()))
        }
        guard let symbol = dlsym(handle, TRIB_ENTRY_SYMBOL) else {
            throw Failure(status: Int32(TRIB_ERR_INVALID), description: "\(path): no \(TRIB_ENTRY_SYMBOL)")
        }
        try self.init(entry: unsafeBitCast(symbol, to: trib_on_plugin_entry_fn.self))
    }

    /// `on_instance_new` with these keys, as the host would pass a drop-in file's.
    public func instance(file: String, _ values: [(String, ConfigValue)]) throws -> trib_type_instance_plugin_ptr {
        let strings = Buffers([file, "instance"] + values.flatMap { key, value -> [String] in
            switch value {
            case .string(let text): [key, text]
            case .integer(let number): [key, "\(number)"]
            }
        })
        let items = values.enumerated().map { index, entry -> UnsafeMutablePointer<trib_type_config_item> in
            var item = trib_type_config_item()
            item.struct_size = UInt32(MemoryLayout<trib_type_config_item>.size)
            item.key = strings[2 + 2 * index]
            item.text = strings[3 + 2 * index]
            if case .integer(let number) = entry.1 {
                item.type = TRIB_CONFIG_INTEGER.rawValue
                item.integer = number
                item.number = Double(number)
            } else {
                item.type = TRIB_CONFIG_STRING.rawValue
            }
            let pointer = UnsafeMutablePointer<trib_type_config_item>.allocate(capacity: 1)
            pointer.initialize(to: item)
            return pointer
        }
        defer { items.forEach { $0.deallocate() } }
        let itemPointers: [UnsafePointer<trib_type_config_item>?] = items.map { UnsafePointer($0) }
        return try itemPointers.withUnsafeBufferPointer { list in
            var config = trib_type_config(
                struct_size: UInt32(MemoryLayout<trib_type_config>.size), items: list.baseAddress, item_count: list.count,
                instance_name: strings[1], file: strings[0], state_dir: trib_type_host_buffer())
            var instance: trib_type_instance_plugin_ptr?
            var error = [CChar](repeating: 0, count: 512)
            let status = descriptor.pointee.on_instance_new(FakeHost.api, FakeHost.instance, &config, &instance, &error, error.count)
            guard status == TRIB_OK, let instance else {
                throw Failure(status: status, description: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return instance
        }
    }

    public func start(_ instance: trib_type_instance_plugin_ptr) throws {
        guard let start = descriptor.pointee.on_instance_start else { return }
        var error = [CChar](repeating: 0, count: 512)
        let status = start(instance, &error, error.count)
        guard status == TRIB_OK else {
            throw Failure(status: status, description: String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    public func destroy(_ instance: trib_type_instance_plugin_ptr) {
        descriptor.pointee.on_instance_destroy(instance)
    }

    public func authenticate(_ instance: trib_type_instance_plugin_ptr, op: UInt64, _ request: DeviceRequest) -> Int32 {
        descriptor.pointee.authenticator.pointee.on_authenticate_device(instance, op, request.pointer)
    }

    public func authenticateUser(_ instance: trib_type_instance_plugin_ptr, op: UInt64, username: String, key: String) -> Int32 {
        let strings = Buffers([username, key])
        var request = trib_type_user_auth_request(
            struct_size: UInt32(MemoryLayout<trib_type_user_auth_request>.size), credential_kind: TRIB_CREDENTIAL_API_KEY.rawValue,
            username: strings[0], password: strings[1])
        return descriptor.pointee.authenticator.pointee.on_authenticate_user(instance, op, &request)
    }

    /// A bearer token, as an adapter passes `Authorization: Bearer` (buffers lent for the call).
    public func authenticateUser(_ instance: trib_type_instance_plugin_ptr, op: UInt64, bearer token: [UInt8]) -> Int32 {
        token.withUnsafeBytes { bytes in
            var request = trib_type_user_auth_request(
                struct_size: UInt32(MemoryLayout<trib_type_user_auth_request>.size), credential_kind: TRIB_CREDENTIAL_BEARER_TOKEN.rawValue,
                username: trib_type_host_buffer(ptr: nil, len: 0),
                password: trib_type_host_buffer(ptr: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), len: bytes.count))
            return descriptor.pointee.authenticator.pointee.on_authenticate_user(instance, op, &request)
        }
    }

    public func authorize(_ instance: trib_type_instance_plugin_ptr, op: UInt64, user: String, application: String,
                          permission: trib_type_permission) -> Int32 {
        let strings = Buffers([user, application])
        var request = trib_type_authorize_request(
            struct_size: UInt32(MemoryLayout<trib_type_authorize_request>.size), permission: permission.rawValue,
            user: strings[0], roles: nil, role_count: 0, application: strings[1])
        return descriptor.pointee.authenticator.pointee.on_authorize(instance, op, &request)
    }
}

/// A device authentication request whose buffers stay put, so one request can be asked again and
/// again (what a benchmark of the plugin alone needs).
public final class DeviceRequest {
    private let buffers: Buffers
    private let certificates: UnsafeMutableBufferPointer<trib_type_host_buffer>
    private let request: UnsafeMutablePointer<trib_type_device_auth_request>

    public var pointer: UnsafePointer<trib_type_device_auth_request> { UnsafePointer(request) }

    public init(kind: trib_type_credential_kind, application: String, device: String, asDevice: String = "",
                username: String = "", password: String = "", certificates chain: [[UInt8]] = []) {
        buffers = Buffers([application, device, asDevice, username, password].map { Array($0.utf8) } + chain)
        certificates = .allocate(capacity: max(1, chain.count))
        for index in chain.indices { certificates[index] = buffers[5 + index] }
        request = .allocate(capacity: 1)
        request.initialize(to: trib_type_device_auth_request(
            struct_size: UInt32(MemoryLayout<trib_type_device_auth_request>.size), credential_kind: kind.rawValue,
            application: buffers[0], device: buffers[1], as_device: buffers[2], username: buffers[3], password: buffers[4],
            certificates: chain.isEmpty ? nil : UnsafePointer(certificates.baseAddress), certificate_count: chain.count,
            properties: nil, property_count: 0))
    }

    deinit {
        request.deallocate()
        certificates.deallocate()
    }
}

/// Byte strings copied to memory that stays put until this object goes, lent as host buffers.
final class Buffers {
    private let storage: [(memory: UnsafeMutableBufferPointer<UInt8>, count: Int)]

    init(_ items: [[UInt8]]) {
        storage = items.map { bytes in
            let memory = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
            _ = memory.initialize(fromContentsOf: bytes)
            return (memory, bytes.count)
        }
    }

    convenience init(_ strings: [String]) { self.init(strings.map { Array($0.utf8) }) }

    deinit { storage.forEach { $0.memory.deallocate() } }

    subscript(index: Int) -> trib_type_host_buffer {
        trib_type_host_buffer(ptr: storage[index].memory.baseAddress, len: storage[index].count)
    }
}
