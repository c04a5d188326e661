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
        guard let operation = slot.take(operation: id) else {
            registry.unknownCompletions.add()
            return
        }
        var verdict = AuthVerdict(status: result?.pointee.status ?? Int32(TRIB_ERR_INTERNAL))
        if let result {
            verdict.strings.append(result.pointee.application)
            verdict.strings.append(result.pointee.device)
            verdict.strings.append(result.pointee.as_device)
        }
        ReentryGuard.within(slot) { operation.answered(verdict) }
    }

    /// `trib_host_complete_user_auth`.
    func completeUser(from slot: AuthenticatorSlot, operation id: UInt64, _ result: UnsafePointer<trib_type_plugin_user_auth_result>?) {
        guard let operation = slot.take(operation: id) else {
            registry.unknownCompletions.add()
            return
        }
        var verdict = AuthVerdict(status: result?.pointee.status ?? Int32(TRIB_ERR_INTERNAL))
        if let result {
            verdict.strings.append(result.pointee.user)
            let roles = UnsafeBufferPointer(start: result.pointee.roles, count: result.pointee.roles == nil ? 0 : result.pointee.role_count)
            for role in roles { verdict.strings.append(role) }
            verdict.roleCount = roles.count
        }
        ReentryGuard.within(slot) { operation.answered(verdict) }
    }

    /// `trib_host_complete_psk`.
    func completePSK(from slot: AuthenticatorSlot, operation id: UInt64, _ result: UnsafePointer<trib_type_plugin_psk_result>?) {
        guard let operation = slot.take(operation: id) else {
            registry.unknownCompletions.add()
            return
        }
        var verdict = AuthVerdict(status: result?.pointee.status ?? Int32(TRIB_ERR_INTERNAL))
        if let result, verdict.status == TRIB_OK {
            verdict.strings.append(result.pointee.application)
            verdict.strings.append(result.pointee.device)
            verdict.strings.append(result.pointee.key)
        }
        ReentryGuard.within(slot) { operation.answered(verdict) }
    }

    /// `trib_host_complete_authorize`.
    func completeAuthorize(from slot: AuthenticatorSlot, operation id: UInt64, _ status: Int32) {
        guard let operation = slot.take(operation: id) else {
            registry.unknownCompletions.add()
            return
        }
        ReentryGuard.within(slot) { operation.answered(AuthVerdict(status: status)) }
    }
}
