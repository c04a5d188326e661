import CTributary
import Synchronization

/// One request walking the authenticator chain in drop-in order until an authenticator answers
/// other than TRIB_DEFER; the adapter's completion runs exactly once with the verdict.
final class AuthOperation: @unchecked Sendable {
    enum Completion {
        case device(trib_type_device_auth_done_fn, UnsafeMutableRawPointer?)
        case user(trib_type_user_auth_done_fn, UnsafeMutableRawPointer?)
        case authorize(trib_type_authorize_done_fn, UnsafeMutableRawPointer?)
        case psk(trib_type_psk_done_fn, UnsafeMutableRawPointer?)
    }

    let request: AuthRequest
    private let chain: [AuthenticatorSlot]
    private let completion: Completion
    private let adapter: CallGate
    private let registry: MetricsRegistry
    private let position = Mutex(0)
    /// The verdict when the chain runs out: the request's all-defer verdict, or `unanswered`.
    private let unanswered: Int32?

    /// `adapter`: the asking adapter's gate; its completion passes it, so a request that outlives
    /// its adapter is not answered into a destroyed plugin.
    init(request: AuthRequest, chain: [AuthenticatorSlot], completion: Completion, adapter: CallGate, registry: MetricsRegistry,
         unanswered: Int32? = nil) {
        self.request = request
        self.chain = chain
        self.completion = completion
        self.adapter = adapter
        self.registry = registry
        self.unanswered = unanswered
    }

    /// Asks authenticators from the current position until one answers or will answer later.
    func advance() {
        while true {
            let index = position.withLock { index -> Int in
                defer { index += 1 }
                return index
            }
            guard index < chain.count else {
                finish(AuthVerdict(status: unanswered ?? request.verdictWhenAllDefer))
                return
            }
            guard let immediate = chain[index].ask(self) else { return }
            if immediate != TRIB_DEFER {
                finish(AuthVerdict(status: immediate))
                return
            }
        }
    }

    /// A completion from the authenticator that holds this operation.
    func answered(_ verdict: AuthVerdict) {
        if verdict.status == TRIB_DEFER {
            advance()
        } else {
            finish(verdict)
        }
    }

    private func finish(_ verdict: AuthVerdict) {
        var status = verdict.status
        if status > 0 { status = Int32(TRIB_ERR_INTERNAL) }
        switch status {
        case Int32(TRIB_OK): registry.authenticationAllowed.add()
        case Int32(TRIB_ERR_UNAUTHENTICATED), Int32(TRIB_ERR_DENIED), Int32(TRIB_ERR_NOT_FOUND): registry.authenticationRefused.add()
        default: registry.authenticationUnavailable.add()
        }
        adapter.pass {
            switch completion {
            case .device(let done, let context):
                finishDevice(status, verdict, done, context)
            case .user(let done, let context):
                finishUser(status, verdict, done, context)
            case .authorize(let done, let context):
                done(context, status)
            case .psk(let done, let context):
                finishPSK(status, verdict, done, context)
            }
        }
    }

    private func finishDevice(_ status: Int32, _ verdict: AuthVerdict,
                              _ done: trib_type_device_auth_done_fn, _ context: UnsafeMutableRawPointer?) {
        guard case .device(_, let asked, _, let propertyCount) = request else { return }
        // Names the authenticator left empty default to the ones the adapter asked about.
        var names = CopiedBuffers()
        for index in 0..<3 {
            let fromVerdict = status == TRIB_OK && index < verdict.strings.count && !verdict.strings.isEmpty(index)
            names.append(fromVerdict ? verdict.strings.string(index) : asked.string(index))
        }
        // One value per name asked, empty where the authenticator gave none (or refused).
        let answered = status == TRIB_OK ? propertyCount : 0
        for index in 3..<(3 + answered) {
            if index < verdict.strings.count {
                names.append(index, of: verdict.strings)
            } else {
                names.append("")
            }
        }
        names.withBuffers { b in
            Array(b[3..<(3 + answered)]).withUnsafeBufferPointer { values in
                var result = trib_type_device_auth_result(
                    struct_size: UInt32(MemoryLayout<trib_type_device_auth_result>.size), status: status,
                    application: b[0], device: b[1], as_device: b[2],
                    properties: answered > 0 ? values.baseAddress : nil, property_count: answered)
                done(context, &result)
            }
        }
    }

    /// Names and key only with TRIB_OK: a refusal carries no key, even if a plugin sent one.
    private func finishPSK(_ status: Int32, _ verdict: AuthVerdict,
                           _ done: trib_type_psk_done_fn, _ context: UnsafeMutableRawPointer?) {
        let answered = status == TRIB_OK && verdict.strings.count == 3
        let outcome = status == TRIB_OK && !answered ? Int32(TRIB_ERR_INTERNAL) : status
        let strings = answered ? verdict.strings : CopiedBuffers()
        strings.withBuffers { b in
            var result = trib_type_psk_result(
                struct_size: UInt32(MemoryLayout<trib_type_psk_result>.size), status: outcome,
                application: answered ? b[0] : trib_type_host_buffer(), device: answered ? b[1] : trib_type_host_buffer(),
                key: answered ? b[2] : trib_type_host_buffer())
            done(context, &result)
        }
    }

    private func finishUser(_ status: Int32, _ verdict: AuthVerdict,
                            _ done: trib_type_user_auth_done_fn, _ context: UnsafeMutableRawPointer?) {
        // An authenticator that said TRIB_OK at once answered with the request's names: the user
        // is the one the adapter asked about (empty for a bearer token, which names nobody).
        var strings = CopiedBuffers()
        if status == TRIB_OK && verdict.strings.count > 0 {
            strings = verdict.strings
        } else if status == TRIB_OK, case .user(_, let asked) = request {
            strings.append(asked.string(0))
        } else {
            strings.append("")
        }
        let roles = status == TRIB_OK ? verdict.roleCount : 0
        strings.withBuffers { b in
            Array(b.dropFirst().prefix(roles)).withUnsafeBufferPointer { roleBuffers in
                var result = trib_type_user_auth_result(
                    struct_size: UInt32(MemoryLayout<trib_type_user_auth_result>.size), status: status,
                    user: b.isEmpty ? trib_type_host_buffer() : b[0], roles: roleBuffers.baseAddress, role_count: roles,
                    expires_at: status == TRIB_OK ? verdict.expiresAt : 0)
                done(context, &result)
            }
        }
    }
}
