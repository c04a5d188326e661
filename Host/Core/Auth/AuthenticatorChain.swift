import CTributary
import Dispatch
import Synchronization

/// The authenticators in drop-in order. Requests see the chain as it was when they started, so
/// swapping the chain (reload) happens between requests, never inside one.
final class AuthenticatorChain: Sendable {
    private let slots = Mutex<[AuthenticatorSlot]>([])
    private let stopping = Atomic<Bool>(false)
    private let registry: MetricsRegistry

    init(registry: MetricsRegistry) { self.registry = registry }

    func add(_ slot: AuthenticatorSlot) { slots.withLock { $0.append(slot) } }

    func remove(_ slot: AuthenticatorSlot) { slots.withLock { $0.removeAll { $0 === slot } } }

    /// Swaps in a whole new chain; requests already walking the old one finish on it.
    func replaceAll(_ chain: [AuthenticatorSlot]) { slots.withLock { $0 = chain } }

    /// After this, every request is answered TRIB_ERR_UNAVAILABLE (the host is stopping): the
    /// chain is about to be emptied, and "nobody can answer now" is the truth, not a refusal.
    func stopAccepting() { stopping.store(true, ordering: .releasing) }

    /// `adapter`: the asking adapter's gate, which its completion passes.
    func start(_ request: AuthRequest, _ completion: AuthOperation.Completion, for adapter: CallGate) {
        let chain = stopping.load(ordering: .acquiring) ? [] : slots.withLock { $0 }
        let operation = AuthOperation(request: request, chain: chain, completion: completion, adapter: adapter, registry: registry,
                                      unanswered: stopping.load(ordering: .acquiring) ? Int32(TRIB_ERR_UNAVAILABLE) : nil)
        if chain.contains(where: ReentryGuard.isInside) {
            DispatchQueue.global().async { operation.advance() }
        } else {
            operation.advance()
        }
    }

    /// `trib_host_complete_device_auth`.
    func completeDevice(from slot: AuthenticatorSlot, operation id: UInt64, _ result: UnsafePointer<trib_type_plugin_device_auth_result>?) {
        answer(slot, id, status: result?.pointee.status) { verdict in
            guard let result else { return }
            // A 1.1 authenticator's result ends before `properties`.
            let r = AppendOnlyStruct.read(result)
            for name in [r.application, r.device, r.as_device] { verdict.strings.append(name) }
            guard verdict.status == TRIB_OK, let properties = r.properties else { return }
            for value in UnsafeBufferPointer(start: properties, count: min(r.property_count, AuthRequest.maxProperties)) {
                verdict.strings.append(value)
            }
        }
    }

    /// `trib_host_complete_user_auth`.
    func completeUser(from slot: AuthenticatorSlot, operation id: UInt64, _ result: UnsafePointer<trib_type_plugin_user_auth_result>?) {
        answer(slot, id, status: result?.pointee.status) { verdict in
            guard let result else { return }
            // A 1.2 authenticator's result ends before `expires_at`, which then reads 0.
            let r = AppendOnlyStruct.read(result)
            verdict.expiresAt = max(0, r.expires_at)
            verdict.strings.append(r.user)
            let roles = UnsafeBufferPointer(start: r.roles, count: r.roles == nil ? 0 : r.role_count)
            for role in roles { verdict.strings.append(role) }
            verdict.roleCount = roles.count
        }
    }

    /// `trib_host_complete_psk`: names and key are copied only for an allowed lookup.
    func completePSK(from slot: AuthenticatorSlot, operation id: UInt64, _ result: UnsafePointer<trib_type_plugin_psk_result>?) {
        answer(slot, id, status: result?.pointee.status) { verdict in
            guard let r = result?.pointee, verdict.status == TRIB_OK else { return }
            for field in [r.application, r.device, r.key] { verdict.strings.append(field) }
        }
    }

    /// `trib_host_complete_authorize`.
    func completeAuthorize(from slot: AuthenticatorSlot, operation id: UInt64, _ status: Int32) {
        answer(slot, id, status: status)
    }

    /// Copies a completion's verdict (`status` nil: the plugin passed no result) and moves the
    /// operation on, marked as inside `slot` so nothing it starts re-enters that authenticator
    /// on this thread. A completion for an unknown or finished operation is counted and ignored.
    private func answer(_ slot: AuthenticatorSlot, _ id: UInt64, status: Int32?, _ fill: (inout AuthVerdict) -> Void = { _ in }) {
        guard let operation = slot.take(operation: id) else {
            registry.unknownCompletions.add()
            return
        }
        var verdict = AuthVerdict(status: status ?? Int32(TRIB_ERR_INTERNAL))
        fill(&verdict)
        ReentryGuard.within(slot) { operation.answered(verdict) }
    }
}
