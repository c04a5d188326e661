import CTributary

/// The host callbacks adapters use, with Swift closures for completions. Each closure is boxed and
/// passed as the C context; the trampoline below takes the box back exactly once.
extension PluginHost {
    /// Publishes a message. `done` (nil = fire-and-forget) runs exactly once, on any thread,
    /// possibly before this returns, unless the returned status is a failure.
    public func publish(_ message: OutgoingMessage, done: (@Sendable (Status) -> Void)?) -> Status {
        var strings = [message.application, message.device, message.sender, message.channel, message.contentType, message.dataSchema]
        for (name, value) in message.extensions { strings += [name, value] }
        let context = done.map { Unmanaged.passRetained(PublishBox($0)).toOpaque() }
        let status = withPluginBuffers(strings) { b in
            let extensions = stride(from: 6, to: b.count, by: 2).map { trib_type_plugin_attribute(name: b[$0], value: b[$0 + 1]) }
            return extensions.withUnsafeBufferPointer { attributes in
                message.payload.withUnsafeBytes { payload in
                    var m = trib_type_message(
                        struct_size: UInt32(MemoryLayout<trib_type_message>.size),
                        flags: message.isConnectionEvent ? UInt32(TRIB_MESSAGE_CONNECTION_EVENT) : 0,
                        application: b[0], device: b[1], sender: b[2], channel: b[3], content_type: b[4],
                        payload: trib_type_plugin_buffer(payload), data_schema: b[5], time_unix_ns: message.timeUnixNanoseconds,
                        extensions: attributes.baseAddress, extension_count: attributes.count)
                    return Status(rawValue: api.pointee.publish(instance, &m, context == nil ? nil : publishDone, context))
                }
            }
        }
        if status.isFailure, let context { Unmanaged<PublishBox>.fromOpaque(context).release() }
        return status
    }

    /// Asks the authenticator chain about a device; `done` runs exactly once, on any thread.
    public func authenticateDevice(_ request: DeviceAuthRequest, done: @escaping @Sendable (DeviceVerdict) -> Void) {
        var kind = TRIB_CREDENTIAL_NONE
        var username = "", password = ""
        var certificates: [[UInt8]] = []
        switch request.credential {
        case .none: break
        case .password(let secret): kind = TRIB_CREDENTIAL_PASSWORD; password = secret
        case .usernamePassword(let user, let secret): kind = TRIB_CREDENTIAL_USERNAME_PASSWORD; username = user; password = secret
        case .certificate(let chain): kind = TRIB_CREDENTIAL_CERTIFICATE; certificates = chain
        case .pskIdentity(let identity): kind = TRIB_CREDENTIAL_PSK_IDENTITY; username = identity
        }
        let context = Unmanaged.passRetained(DeviceAuthBox(done)).toOpaque()
        let status = withPluginBuffers([request.application, request.device, request.asDevice, username, password] + request.properties) { b in
            withLentChain(certificates) { chain in
                Array(b.dropFirst(5)).withUnsafeBufferPointer { properties in
                    var r = trib_type_plugin_device_auth_request(
                        struct_size: UInt32(MemoryLayout<trib_type_plugin_device_auth_request>.size), credential_kind: kind.rawValue,
                        application: b[0], device: b[1], as_device: b[2], username: b[3], password: b[4],
                        certificates: chain.baseAddress, certificate_count: chain.count,
                        properties: properties.baseAddress, property_count: properties.count)
                    return api.pointee.authenticate_device(instance, &r, deviceAuthDone, context)
                }
            }
        }
        if Status(rawValue: status).isFailure {
            Unmanaged<DeviceAuthBox>.fromOpaque(context).release()
            done(DeviceVerdict(status: Status(rawValue: status)))
        }
    }

    /// Asks the authenticator chain about an application user; `done` runs exactly once.
    public func authenticateUser(_ credential: UserCredential, done: @escaping @Sendable (UserVerdict) -> Void) {
        let (kind, username, secret) = switch credential {
        case .bearerToken(let token): (TRIB_CREDENTIAL_BEARER_TOKEN, "", token)
        case .apiKey(let user, let key): (TRIB_CREDENTIAL_API_KEY, user, key)
        }
        let context = Unmanaged.passRetained(UserAuthBox(done)).toOpaque()
        let status = withPluginBuffers([username, secret]) { b in
            var r = trib_type_plugin_user_auth_request(struct_size: UInt32(MemoryLayout<trib_type_plugin_user_auth_request>.size),
                                                       credential_kind: kind.rawValue, username: b[0], password: b[1])
            return api.pointee.authenticate_user(instance, &r, userAuthDone, context)
        }
        if Status(rawValue: status).isFailure {
            Unmanaged<UserAuthBox>.fromOpaque(context).release()
            done(UserVerdict(status: Status(rawValue: status)))
        }
    }

    /// Asks whether a user may act on an application; `done` gets `.ok`, `.denied`, `.notFound`
    /// or `.unavailable`, exactly once.
    public func authorize(_ request: AuthorizeRequest, done: @escaping @Sendable (Status) -> Void) {
        let context = Unmanaged.passRetained(AuthorizeBox(done)).toOpaque()
        let status = withPluginBuffers([request.user, request.application] + request.roles) { b in
            let roles = Array(b.dropFirst(2))
            return roles.withUnsafeBufferPointer { roleBuffers in
                var r = trib_type_plugin_authorize_request(struct_size: UInt32(MemoryLayout<trib_type_plugin_authorize_request>.size),
                                                           permission: request.permission.rawValue, user: b[0],
                                                           roles: roleBuffers.baseAddress, role_count: roleBuffers.count, application: b[1])
                return api.pointee.authorize(instance, &r, authorizeDone, context)
            }
        }
        if Status(rawValue: status).isFailure {
            Unmanaged<AuthorizeBox>.fromOpaque(context).release()
            done(Status(rawValue: status))
        }
    }

    /// Whether the host offers PSK lookups (ABI 1.1); a 1.0 host does not.
    public var canLookUpPSK: Bool {
        Int(api.pointee.struct_size) >= MemoryLayout<trib_type_host_api>.offset(of: \.complete_psk)! + MemoryLayout<UnsafeRawPointer>.size
    }

    /// Asks the authenticator chain for the key of a PSK identity (`device@application`, as the
    /// client sent it); `done` runs exactly once, on any thread. On a 1.0 host the answer is
    /// `.unsupported`.
    public func lookupPSK(identity: String, done: @escaping @Sendable (PSKVerdict) -> Void) {
        guard canLookUpPSK, let lookup = api.pointee.lookup_psk else { return done(PSKVerdict(status: .unsupported)) }
        let context = Unmanaged.passRetained(PSKBox(done)).toOpaque()
        let status = withPluginBuffers([identity]) { b in
            var r = trib_type_plugin_psk_request(struct_size: UInt32(MemoryLayout<trib_type_plugin_psk_request>.size), identity: b[0])
            return lookup(instance, &r, pskDone, context)
        }
        if Status(rawValue: status).isFailure {
            Unmanaged<PSKBox>.fromOpaque(context).release()
            done(PSKVerdict(status: Status(rawValue: status)))
        }
    }

    /// Whether the host takes listener addresses (ABI 1.1); a 1.0 host does not.
    public var canReportListeners: Bool {
        Int(api.pointee.struct_size) >= MemoryLayout<trib_type_host_api>.offset(of: \.listening)! + MemoryLayout<UnsafeRawPointer>.size
    }

    /// Tells the host a listener is bound at `address` (`host:port` or `[v6]:port`, the real port
    /// when port 0 was asked for). A 1.0 host cannot list it, so it only gets the log line.
    public func reportListening(label: String, address: String) {
        guard canReportListeners, let listening = api.pointee.listening else {
            return log(.info, "\(label) listening on \(address)")
        }
        withPluginBuffers([label, address]) { b in listening(instance, b[0], b[1]) }
    }

    /// Registers a live command route; `handler` runs on the sender's thread and must not block.
    /// Returns the route id, or nil when the host refused it.
    public func addCommandRoute(application: String, device: String,
                                handler: @escaping @Sendable (Command) -> Status) -> UInt64? {
        let context = Unmanaged.passRetained(CommandBox(handler)).toOpaque()
        var id: UInt64 = 0
        let status = withPluginBuffers([application, device]) { b in
            api.pointee.command_route_add(instance, b[0], b[1], commandHandler, context, releaseCommandBox, &id)
        }
        guard status == TRIB_OK else {
            Unmanaged<CommandBox>.fromOpaque(context).release()
            return nil
        }
        return id
    }

    public func removeCommandRoute(_ id: UInt64) { api.pointee.command_route_remove(instance, id) }

    /// Offers a command to the live routes: `.ok` when one took it, `.notFound` when none did.
    public func sendCommand(_ command: Command) -> Status {
        withLentCommand(command) { Status(rawValue: api.pointee.command_send(instance, $0)) }
    }

    /// Whether the host tells a waiting sender the outcome of a command (ABI 1.2).
    public var canSendCommandsAsync: Bool {
        Int(api.pointee.struct_size) >= MemoryLayout<trib_type_host_api>.offset(of: \.complete_command)! + MemoryLayout<UnsafeRawPointer>.size
    }

    /// Offers a command and reports its outcome once the route that took it knows (a network
    /// server's answer): `.ok`, `.notFound`, `.unavailable`, `.rejected` or another error. `done`
    /// runs exactly once, on any thread, possibly before this returns. On a 1.1 host it reports
    /// what ``sendCommand(_:)`` returns.
    public func sendCommand(_ command: Command, done: @escaping @Sendable (Status) -> Void) {
        guard canSendCommandsAsync, let send = api.pointee.command_send_async else { return done(sendCommand(command)) }
        let context = Unmanaged.passRetained(PublishBox(done)).toOpaque()
        let status = withLentCommand(command) { Status(rawValue: send(instance, $0, publishDone, context)) }
        if status.isFailure {
            Unmanaged<PublishBox>.fromOpaque(context).release()
            done(status)
        }
    }

    /// Reports the outcome of a command this adapter's handler answered `.pending` (see
    /// ``Command/operation``), exactly once.
    public func completeCommand(_ operation: UInt64, _ status: Status) {
        guard canSendCommandsAsync, let complete = api.pointee.complete_command else { return }
        complete(instance, operation, status.rawValue)
    }

    private func withLentCommand<R>(_ command: Command, _ body: (UnsafePointer<trib_type_plugin_command>) -> R) -> R {
        withPluginBuffers([command.application, command.device, command.name, command.contentType]) { b in
            command.payload.withUnsafeBytes { payload in
                var c = trib_type_plugin_command(struct_size: UInt32(MemoryLayout<trib_type_plugin_command>.size), application: b[0],
                                                 device: b[1], command: b[2], content_type: b[3],
                                                 payload: trib_type_plugin_buffer(payload))
                return body(&c)
            }
        }
    }

    /// Subscribes to the application-event bus; `handler` gets each event (lent until it returns)
    /// on a host delivery thread, in order. Returns the subscription id, or nil when refused.
    /// `capacity`: events held for it at most (0: no count bound); `queueBytes`: event bytes held
    /// for it (0: the host's default); `inline`: the handler may run on the publishing thread
    /// (`TRIB_SUBSCRIPTION_INLINE`: it must never block); `pauseOnBusy`: a `.busy` from the
    /// handler keeps the event queued until ``resumeSubscription(_:)``. See `trib_type_subscription`.
    public func subscribe(application: String, channel: String = "", group: String = "", capacity: UInt32 = 0,
                          queueBytes: UInt64 = 0, inline: Bool = false, pauseOnBusy: Bool = false,
                          handler: @escaping @Sendable (UnsafePointer<trib_type_event>) -> Status) -> UInt64? {
        let context = Unmanaged.passRetained(EventBox(handler)).toOpaque()
        var id: UInt64 = 0
        let status = withPluginBuffers([application, channel, group]) { b in
            var s = trib_type_subscription(struct_size: UInt32(MemoryLayout<trib_type_subscription>.size), application: b[0],
                                           channel: b[1], group: b[2], queue_capacity: capacity, queue_bytes: queueBytes,
                                           flags: (inline ? UInt32(TRIB_SUBSCRIPTION_INLINE) : 0)
                                               | (pauseOnBusy ? UInt32(TRIB_SUBSCRIPTION_PAUSE_ON_BUSY) : 0))
            return api.pointee.subscribe(instance, &s, eventHandler, context, releaseEventBox, &id)
        }
        guard status == TRIB_OK else {
            Unmanaged<EventBox>.fromOpaque(context).release()
            return nil
        }
        return id
    }

    public func unsubscribe(_ id: UInt64) { api.pointee.unsubscribe(instance, id) }

    /// `trib_host_resume_subscription`; nothing on a 1.0 host (which never pauses).
    public func resumeSubscription(_ id: UInt64) {
        guard Int(api.pointee.struct_size) >= MemoryLayout<trib_type_host_api>.offset(of: \.resume_subscription)! + MemoryLayout<UnsafeRawPointer>.size,
              let resume = api.pointee.resume_subscription else { return }
        resume(instance, id)
    }
}

/// Lends byte strings (a certificate chain, property values) as one array of plugin buffers.
func withLentChain<R>(_ chain: [[UInt8]], _ body: (UnsafeBufferPointer<trib_type_plugin_buffer>) -> R) -> R {
    var joined: [UInt8] = []
    var ranges: [Range<Int>] = []
    for certificate in chain {
        ranges.append(joined.count..<(joined.count + certificate.count))
        joined += certificate
    }
    return joined.withUnsafeBufferPointer { bytes in
        let buffers = ranges.map { range in
            trib_type_plugin_buffer(ptr: bytes.baseAddress.map { $0 + range.lowerBound }, len: range.count)
        }
        return buffers.withUnsafeBufferPointer(body)
    }
}

private final class PublishBox {
    let done: @Sendable (Status) -> Void
    init(_ done: @escaping @Sendable (Status) -> Void) { self.done = done }
}

private final class DeviceAuthBox {
    let done: @Sendable (DeviceVerdict) -> Void
    init(_ done: @escaping @Sendable (DeviceVerdict) -> Void) { self.done = done }
}

private final class UserAuthBox {
    let done: @Sendable (UserVerdict) -> Void
    init(_ done: @escaping @Sendable (UserVerdict) -> Void) { self.done = done }
}

private final class AuthorizeBox {
    let done: @Sendable (Status) -> Void
    init(_ done: @escaping @Sendable (Status) -> Void) { self.done = done }
}

private final class PSKBox {
    let done: @Sendable (PSKVerdict) -> Void
    init(_ done: @escaping @Sendable (PSKVerdict) -> Void) { self.done = done }
}

private final class CommandBox {
    let handler: @Sendable (Command) -> Status
    init(_ handler: @escaping @Sendable (Command) -> Status) { self.handler = handler }
}

private final class EventBox {
    let handler: @Sendable (UnsafePointer<trib_type_event>) -> Status
    init(_ handler: @escaping @Sendable (UnsafePointer<trib_type_event>) -> Status) { self.handler = handler }
}

private func publishDone(_ context: UnsafeMutableRawPointer?, _ status: trib_type_status) {
    Unmanaged<PublishBox>.fromOpaque(context!).takeRetainedValue().done(Status(rawValue: status))
}

private func deviceAuthDone(_ context: UnsafeMutableRawPointer?, _ result: UnsafePointer<trib_type_device_auth_result>?) {
    let box = Unmanaged<DeviceAuthBox>.fromOpaque(context!).takeRetainedValue()
    guard let r = result?.pointee else { return box.done(DeviceVerdict(status: .internalError)) }
    // A 1.1 host's result ends before `properties`.
    let end = MemoryLayout<trib_type_device_auth_result>.offset(of: \.property_count)! + MemoryLayout<Int>.size
    let properties = Int(r.struct_size) >= end && r.properties != nil
        ? UnsafeBufferPointer(start: r.properties, count: r.property_count).map(\.bytes) : []
    box.done(DeviceVerdict(status: Status(rawValue: r.status), application: r.application.string, device: r.device.string,
                           asDevice: r.as_device.string, properties: properties))
}

private func userAuthDone(_ context: UnsafeMutableRawPointer?, _ result: UnsafePointer<trib_type_user_auth_result>?) {
    let box = Unmanaged<UserAuthBox>.fromOpaque(context!).takeRetainedValue()
    guard let r = result?.pointee else { return box.done(UserVerdict(status: .internalError)) }
    let roles = UnsafeBufferPointer(start: r.roles, count: r.roles == nil ? 0 : r.role_count).map(\.string)
    // A 1.2 host's result ends before `expires_at`.
    let end = MemoryLayout<trib_type_user_auth_result>.offset(of: \.expires_at)! + MemoryLayout<Int64>.size
    let expiresAt = Int(r.struct_size) >= end ? r.expires_at : 0
    box.done(UserVerdict(status: Status(rawValue: r.status), user: r.user.string, roles: roles, expiresAt: expiresAt))
}

private func authorizeDone(_ context: UnsafeMutableRawPointer?, _ status: trib_type_status) {
    Unmanaged<AuthorizeBox>.fromOpaque(context!).takeRetainedValue().done(Status(rawValue: status))
}

private func pskDone(_ context: UnsafeMutableRawPointer?, _ result: UnsafePointer<trib_type_psk_result>?) {
    let box = Unmanaged<PSKBox>.fromOpaque(context!).takeRetainedValue()
    guard let r = result?.pointee else { return box.done(PSKVerdict(status: .internalError)) }
    box.done(PSKVerdict(status: Status(rawValue: r.status), application: r.application.string, device: r.device.string,
                        key: r.key.bytes))
}

private func commandHandler(_ context: UnsafeMutableRawPointer?, _ command: UnsafePointer<trib_type_command>?) -> trib_type_status {
    guard let c = command?.pointee else { return Int32(TRIB_ERR_INVALID) }
    let box = Unmanaged<CommandBox>.fromOpaque(context!).takeUnretainedValue()
    // A 1.1 host's command ends before `op`: nobody waits.
    let end = MemoryLayout<trib_type_command>.offset(of: \.op)! + MemoryLayout<UInt64>.size
    return box.handler(Command(application: c.application.string, device: c.device.string, name: c.command.string,
                               contentType: c.content_type.string, payload: c.payload.bytes,
                               operation: Int(c.struct_size) >= end ? c.op : 0)).rawValue
}

private func releaseCommandBox(_ context: UnsafeMutableRawPointer?) {
    Unmanaged<CommandBox>.fromOpaque(context!).release()
}

private func eventHandler(_ context: UnsafeMutableRawPointer?, _ event: UnsafePointer<trib_type_event>?) -> trib_type_status {
    guard let event else { return Int32(TRIB_ERR_INVALID) }
    return Unmanaged<EventBox>.fromOpaque(context!).takeUnretainedValue().handler(event).rawValue
}

private func releaseEventBox(_ context: UnsafeMutableRawPointer?) {
    Unmanaged<EventBox>.fromOpaque(context!).release()
}
