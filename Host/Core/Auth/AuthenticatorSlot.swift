import CTributary
import Synchronization

/// The host's side of one authenticator instance: its hooks and the operations it has accepted.
final class AuthenticatorSlot: @unchecked Sendable {
    let name: String
    private let instance: trib_type_instance_plugin_ptr
    private let hooks: trib_type_authenticator_hooks
    private let gate: CallGate
    private let pending = Mutex<[UInt64: AuthOperation]>([:])
    private static let nextOperation = Atomic<UInt64>(1)

    /// `hooks` is the plugin's, read only as far as its `struct_size` says it reaches (a 1.0
    /// plugin's table ends before `on_lookup_psk`).
    /// `gate`: the instance's; a request still walking an old chain after a reload retired this
    /// authenticator is passed on (as if it deferred) instead of reaching the destroyed plugin.
    init(name: String, instance: trib_type_instance_plugin_ptr, hooks: UnsafePointer<trib_type_authenticator_hooks>, gate: CallGate) {
        self.name = name
        self.instance = instance
        self.gate = gate
        self.hooks = AppendOnlyStruct.read(hooks)
    }

    /// Asks this authenticator. Returns nil when the answer will come through `complete`, or the
    /// immediate status (TRIB_DEFER for a missing hook).
    func ask(_ operation: AuthOperation) -> Int32? {
        guard gate.enter() else { return Int32(TRIB_DEFER) }
        defer { gate.leave() }
        let id = AuthenticatorSlot.nextOperation.add(1, ordering: .relaxed).newValue
        pending.withLock { $0[id] = operation }
        let returned: Int32
        switch operation.request {
        case .device(let kind, let strings, let certificates, let properties):
            guard let hook = hooks.on_authenticate_device else { return forget(id, Int32(TRIB_DEFER)) }
            returned = strings.withBuffers { b in
                let names = Array(b[(5 + certificates)..<(5 + certificates + properties)])
                return Array(b[5..<(5 + certificates)]).withUnsafeBufferPointer { certs in
                    names.withUnsafeBufferPointer { names in
                        var request = trib_type_device_auth_request(
                            struct_size: UInt32(MemoryLayout<trib_type_device_auth_request>.size), credential_kind: kind,
                            application: b[0], device: b[1], as_device: b[2], username: b[3], password: b[4],
                            certificates: certs.baseAddress, certificate_count: certificates,
                            properties: names.baseAddress, property_count: properties)
                        return ReentryGuard.within(self) { hook(instance, id, &request) }
                    }
                }
            }
        case .user(let kind, let strings):
            guard let hook = hooks.on_authenticate_user else { return forget(id, Int32(TRIB_DEFER)) }
            returned = strings.withBuffers { b in
                var request = trib_type_user_auth_request(
                    struct_size: UInt32(MemoryLayout<trib_type_user_auth_request>.size), credential_kind: kind,
                    username: b[0], password: b[1])
                return ReentryGuard.within(self) { hook(instance, id, &request) }
            }
        case .psk(let strings):
            guard let hook = hooks.on_lookup_psk else { return forget(id, Int32(TRIB_DEFER)) }
            returned = strings.withBuffers { b in
                var request = trib_type_psk_request(struct_size: UInt32(MemoryLayout<trib_type_psk_request>.size), identity: b[0])
                return ReentryGuard.within(self) { hook(instance, id, &request) }
            }
            // The key travels only in a completion.
            if returned == TRIB_OK, pending.withLock({ $0.removeValue(forKey: id) }) != nil { return Int32(TRIB_ERR_INTERNAL) }
        case .authorize(let permission, let strings, let roles):
            guard let hook = hooks.on_authorize else { return forget(id, Int32(TRIB_DEFER)) }
            returned = strings.withBuffers { b in
                Array(b[2..<(2 + roles)]).withUnsafeBufferPointer { roleBuffers in
                    var request = trib_type_authorize_request(
                        struct_size: UInt32(MemoryLayout<trib_type_authorize_request>.size), permission: permission,
                        user: b[0], roles: roleBuffers.baseAddress, role_count: roles, application: b[1])
                    return ReentryGuard.within(self) { hook(instance, id, &request) }
                }
            }
        }
        if returned == TRIB_PENDING { return nil }
        // An immediate answer counts only if the plugin did not already complete inside the hook.
        return pending.withLock { $0.removeValue(forKey: id) } == nil ? nil : returned
    }

    private func forget(_ id: UInt64, _ status: Int32) -> Int32 {
        pending.withLock { _ = $0.removeValue(forKey: id) }
        return status
    }

    /// `trib_host_complete_*`: returns the operation, or nil for an unknown or finished one.
    func take(operation id: UInt64) -> AuthOperation? {
        pending.withLock { $0.removeValue(forKey: id) }
    }

    /// Fails every accepted operation (the instance is going away).
    func abandonAll() -> [AuthOperation] {
        pending.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
    }
}
