import CTributary
import Glibc
import Synchronization

/// The glue between a Swift plugin and the C ABI. A plugin keeps its logic in a library target
/// that exposes its ``PluginDefinition``, and exports it from a one-file dynamic target:
///
/// ```swift
/// @c(trib_plugin_entry) public func tribPluginEntry(hostMajor: UInt32, hostMinor: UInt32, descriptor: PluginExport.DescriptorOut) -> Int32 {
///     PluginExport.entry(hostMajor: hostMajor, hostMinor: hostMinor, descriptor: descriptor, definition: mySinkDefinition)
/// }
/// ```
///
/// Each plugin image links its own copy of this SDK, so the one definition registered here is the
/// image's own. The descriptor and its strings live as long as the image (which is never unloaded).
/// Tests of a plugin link its library target and call the definition's `make` with a
/// ``PluginHost`` and ``PluginConfig`` of their own, so this registration never decides which
/// plugin a test process talks to.
public enum PluginExport {
    /// Where the entry function writes the descriptor: its third parameter.
    public typealias DescriptorOut = UnsafeMutablePointer<UnsafePointer<trib_type_plugin_descriptor>?>?

    public static func entry(
        hostMajor: UInt32, hostMinor: UInt32, descriptor out: DescriptorOut,
        definition: @autoclosure () -> PluginDefinition
    ) -> Int32 {
        guard hostMajor == TRIB_ABI_MAJOR, let out else { return Int32(TRIB_ERR_ABI) }
        out.pointee = registration.withLock { state in
            if let existing = state { return existing.descriptor }
            let made = Registration(definition())
            state = made
            return made.descriptor
        }
        guard hostMinor >= out.pointee!.pointee.abi_minor else { return Int32(TRIB_ERR_ABI) }
        return Int32(TRIB_OK)
    }

    static var definition: PluginDefinition? { registration.withLock { $0?.definition } }
}

private final class Registration: Sendable {
    let definition: PluginDefinition
    nonisolated(unsafe) let descriptor: UnsafePointer<trib_type_plugin_descriptor>

    init(_ definition: PluginDefinition) {
        self.definition = definition
        var d = trib_type_plugin_descriptor()
        d.struct_size = UInt32(MemoryLayout<trib_type_plugin_descriptor>.size)
        d.abi_major = TRIB_ABI_MAJOR
        d.abi_minor = definition.abiMinor
        d.name = UnsafePointer(strdup(definition.name))
        d.version = UnsafePointer(strdup(definition.version))
        d.description = UnsafePointer(strdup(definition.description))
        d.built_with = UnsafePointer(strdup(Toolchain.identity))
        d.on_instance_new = sdkInstanceNew
        d.on_instance_start = sdkInstanceStart
        d.on_instance_drain = sdkInstanceDrain
        d.on_instance_destroy = sdkInstanceDestroy
        d.on_instance_refresh = sdkInstanceRefresh
        switch definition.kind {
        case .adapter:
            d.kind = TRIB_KIND_ADAPTER.rawValue
        case .authenticator:
            d.kind = TRIB_KIND_AUTHENTICATOR.rawValue
            let hooks = UnsafeMutablePointer<trib_type_authenticator_hooks>.allocate(capacity: 1)
            hooks.initialize(to: trib_type_authenticator_hooks(
                struct_size: UInt32(MemoryLayout<trib_type_authenticator_hooks>.size),
                on_authenticate_device: sdkAuthenticateDevice, on_authenticate_user: sdkAuthenticateUser,
                on_authorize: sdkAuthorize, on_lookup_psk: sdkLookupPSK))
            d.authenticator = UnsafePointer(hooks)
        case .sink(let maxBatch, let serial, let maxInFlight):
            d.kind = TRIB_KIND_SINK.rawValue
            d.flags = serial ? UInt32(TRIB_FLAG_SERIAL_DELIVERY) : 0
            let hooks = UnsafeMutablePointer<trib_type_sink_hooks>.allocate(capacity: 1)
            hooks.initialize(to: trib_type_sink_hooks(
                struct_size: UInt32(MemoryLayout<trib_type_sink_hooks>.size),
                on_sink_deliver: sdkSinkDeliver, max_batch: maxBatch, max_in_flight: maxInFlight))
            d.sink = UnsafePointer(hooks)
        }
        let pointer = UnsafeMutablePointer<trib_type_plugin_descriptor>.allocate(capacity: 1)
        pointer.initialize(to: d)
        descriptor = UnsafePointer(pointer)
    }
}

private let registration = Mutex<Registration?>(nil)

/// The instance as the C side holds it: the Swift object plus its host, retained until destroy.
final class InstanceBox {
    let host: PluginHost
    let instance: any PluginInstance
    let sink: (any SinkInstance)?
    let authenticator: (any AuthenticatorInstance)?

    init(host: PluginHost, instance: any PluginInstance) {
        self.host = host
        self.instance = instance
        sink = instance as? any SinkInstance
        authenticator = instance as? any AuthenticatorInstance
    }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> InstanceBox {
        Unmanaged<InstanceBox>.fromOpaque(pointer!).takeUnretainedValue()
    }
}

private func writeError(_ message: String, _ error: UnsafeMutablePointer<CChar>?, _ capacity: Int) {
    guard let error, capacity > 0 else { return }
    var bytes = Array(message.utf8.prefix(capacity - 1))
    bytes.append(0)
    bytes.withUnsafeBufferPointer { source in
        source.withMemoryRebound(to: CChar.self) { error.update(from: $0.baseAddress!, count: $0.count) }
    }
}

private func sdkInstanceNew(
    api: UnsafePointer<trib_type_host_api>?, ih: trib_type_instance_host_ptr?, config: UnsafePointer<trib_type_config>?,
    out: UnsafeMutablePointer<trib_type_instance_plugin_ptr?>?, errorOut: UnsafeMutablePointer<CChar>?, capacity: Int
) -> trib_type_status {
    guard let api, let ih, let config, let out, let definition = PluginExport.definition else {
        writeError("invalid arguments to on_instance_new", errorOut, capacity)
        return Int32(TRIB_ERR_INVALID)
    }
    let host = PluginHost(api: api, instance: ih)
    do {
        let instance = try definition.make(host, PluginConfig(config))
        out.pointee = Unmanaged.passRetained(InstanceBox(host: host, instance: instance)).toOpaque()
        return Int32(TRIB_OK)
    } catch {
        writeError(error.message, errorOut, capacity)
        return error.status.isFailure ? error.status.rawValue : Int32(TRIB_ERR_CONFIG)
    }
}

private func sdkInstanceStart(
    instance: trib_type_instance_plugin_ptr?, errorOut: UnsafeMutablePointer<CChar>?, capacity: Int
) -> trib_type_status {
    do {
        try InstanceBox.from(instance).instance.start()
        return Int32(TRIB_OK)
    } catch {
        writeError(error.message, errorOut, capacity)
        return error.status.isFailure ? error.status.rawValue : Int32(TRIB_ERR_INTERNAL)
    }
}

private func sdkInstanceDrain(instance: trib_type_instance_plugin_ptr?, deadline: Int64) {
    InstanceBox.from(instance).instance.drain(deadlineUnixMilliseconds: deadline)
}

private func sdkInstanceDestroy(instance: trib_type_instance_plugin_ptr?) {
    guard let instance else { return }
    let box = Unmanaged<InstanceBox>.fromOpaque(instance)
    box.takeUnretainedValue().instance.stop()
    box.takeUnretainedValue().host.forgetRefreshHandlers()
    box.release()
}

private func sdkInstanceRefresh(instance: trib_type_instance_plugin_ptr?) {
    InstanceBox.from(instance).host.refresh()
}

private func sdkSinkDeliver(
    instance: trib_type_instance_plugin_ptr?, op: UInt64, batch: UnsafePointer<trib_type_batch>?
) -> trib_type_status {
    let box = InstanceBox.from(instance)
    guard let sink = box.sink, let batch else { return Int32(TRIB_ERR_UNSUPPORTED) }
    return sink.deliver(SinkBatch(host: box.host, operation: op, batch: batch)).rawValue
}

private func sdkAuthenticateDevice(
    instance: trib_type_instance_plugin_ptr?, op: UInt64, request: UnsafePointer<trib_type_device_auth_request>?
) -> trib_type_status {
    let box = InstanceBox.from(instance)
    guard let authenticator = box.authenticator, let request else { return Int32(TRIB_DEFER) }
    return authenticator.authenticateDevice(DeviceAuthRequest(request), reply: DeviceAuthReply(host: box.host, operation: op)).rawValue
}

private func sdkAuthenticateUser(
    instance: trib_type_instance_plugin_ptr?, op: UInt64, request: UnsafePointer<trib_type_user_auth_request>?
) -> trib_type_status {
    let box = InstanceBox.from(instance)
    guard let authenticator = box.authenticator, let request else { return Int32(TRIB_DEFER) }
    return authenticator.authenticateUser(UserAuthRequest(request), reply: UserAuthReply(host: box.host, operation: op)).rawValue
}

private func sdkLookupPSK(
    instance: trib_type_instance_plugin_ptr?, op: UInt64, request: UnsafePointer<trib_type_psk_request>?
) -> trib_type_status {
    let box = InstanceBox.from(instance)
    guard let authenticator = box.authenticator, let request else { return Int32(TRIB_DEFER) }
    return authenticator.lookupPSK(PSKRequest(request), reply: PSKReply(host: box.host, operation: op)).rawValue
}

private func sdkAuthorize(
    instance: trib_type_instance_plugin_ptr?, op: UInt64, request: UnsafePointer<trib_type_authorize_request>?
) -> trib_type_status {
    let box = InstanceBox.from(instance)
    guard let authenticator = box.authenticator, let request else { return Int32(TRIB_DEFER) }
    return authenticator.authorize(AuthorizeRequest(request), reply: AuthorizeReply(host: box.host, operation: op)).rawValue
}
