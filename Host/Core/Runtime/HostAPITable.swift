import CTributary
import Glibc
import TributarySDK

/// The one `trib_type_host_api` table handed to every instance, and its trampolines.
///
/// The trampolines are global functions in this library file, never closures in main.swift: C
/// calls them from any thread, and a main.swift closure would be main-actor isolated and trap.
enum HostAPITable {
    nonisolated(unsafe) static let pointer: UnsafePointer<trib_type_host_api> = {
        let table = UnsafeMutablePointer<trib_type_host_api>.allocate(capacity: 1)
        table.initialize(to: trib_type_host_api(
            struct_size: UInt32(MemoryLayout<trib_type_host_api>.size),
            abi_major: TRIB_ABI_MAJOR, abi_minor: TRIB_ABI_MINOR,
            log: hostLog, log_enabled: hostLogEnabled, publish: hostPublish,
            authenticate_device: hostAuthenticateDevice, authenticate_user: hostAuthenticateUser,
            authorize: hostAuthorize, complete_device_auth: hostCompleteDeviceAuth,
            complete_user_auth: hostCompleteUserAuth, complete_authorize: hostCompleteAuthorize,
            complete_delivery: hostCompleteDelivery, command_route_add: hostCommandRouteAdd,
            command_route_remove: hostCommandRouteRemove, command_send: hostCommandSend,
            subscribe: hostSubscribe, unsubscribe: hostUnsubscribe, metric_register: hostMetricRegister,
            metric_add: hostMetricAdd, metric_set: hostMetricSet, event_to_json: hostEventToJSON,
            config_get: hostConfigGet, lookup_psk: hostLookupPSK, complete_psk: hostCompletePSK,
            resume_subscription: hostResumeSubscription, listening: hostListening,
            command_send_async: hostCommandSendAsync, complete_command: hostCompleteCommand,
            report_health: hostReportHealth))
        return UnsafePointer(table)
    }()
}

private func hostLog(_ ih: trib_type_instance_host_ptr?, _ level: trib_type_log_level, _ message: trib_type_plugin_buffer) {
    guard let record = InstanceRecord.from(ih), let level = LogLevel(rawValue: Int32(level.rawValue)) else { return }
    Logger.log(level, record.name, String(decoding: message.raw, as: UTF8.self))
}

private func hostLogEnabled(_ ih: trib_type_instance_host_ptr?, _ level: trib_type_log_level) -> Int32 {
    guard let level = LogLevel(rawValue: Int32(level.rawValue)) else { return 0 }
    return Logger.isEnabled(level) ? 1 : 0
}

private func hostPublish(_ ih: trib_type_instance_host_ptr?, _ message: UnsafePointer<trib_type_message>?,
                         _ done: trib_type_publish_done_fn?, _ context: UnsafeMutableRawPointer?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let message else { return Int32(TRIB_ERR_INVALID) }
    return record.services.router.publish(from: record.metrics, gate: record.gate, message, done: done, context: context).rawValue
}

private func hostAuthenticateDevice(_ ih: trib_type_instance_host_ptr?, _ request: UnsafePointer<trib_type_plugin_device_auth_request>?,
                                    _ done: trib_type_device_auth_done_fn?, _ context: UnsafeMutableRawPointer?) -> trib_type_status {
    // An over-long property list is refused like a missing request.
    startAuthentication(ih, request.flatMap(AuthRequest.init), done.map { .device($0, context) })
}

private func hostAuthenticateUser(_ ih: trib_type_instance_host_ptr?, _ request: UnsafePointer<trib_type_plugin_user_auth_request>?,
                                  _ done: trib_type_user_auth_done_fn?, _ context: UnsafeMutableRawPointer?) -> trib_type_status {
    startAuthentication(ih, request.map(AuthRequest.init), done.map { .user($0, context) })
}

private func hostAuthorize(_ ih: trib_type_instance_host_ptr?, _ request: UnsafePointer<trib_type_plugin_authorize_request>?,
                           _ done: trib_type_authorize_done_fn?, _ context: UnsafeMutableRawPointer?) -> trib_type_status {
    startAuthentication(ih, request.map(AuthRequest.init), done.map { .authorize($0, context) })
}

private func hostLookupPSK(_ ih: trib_type_instance_host_ptr?, _ request: UnsafePointer<trib_type_plugin_psk_request>?,
                           _ done: trib_type_psk_done_fn?, _ context: UnsafeMutableRawPointer?) -> trib_type_status {
    startAuthentication(ih, request.map(AuthRequest.init), done.map { .psk($0, context) })
}

/// The four requests to the authenticator chain: copied, then answered through `completion`
/// exactly once; a missing request or completion is refused without one.
private func startAuthentication(_ ih: trib_type_instance_host_ptr?, _ request: AuthRequest?, _ completion: AuthOperation.Completion?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let request, let completion else { return Int32(TRIB_ERR_INVALID) }
    record.services.authenticators.start(request, completion, for: record.gate)
    return Int32(TRIB_PENDING)
}

private func hostCompletePSK(_ ih: trib_type_instance_host_ptr?, _ op: UInt64, _ result: UnsafePointer<trib_type_plugin_psk_result>?) {
    guard let record = InstanceRecord.from(ih), let slot = record.authenticator else { return }
    record.services.authenticators.completePSK(from: slot, operation: op, result)
}

private func hostListening(_ ih: trib_type_instance_host_ptr?, _ label: trib_type_plugin_buffer, _ address: trib_type_plugin_buffer) {
    guard let record = InstanceRecord.from(ih) else { return }
    let listener = ListenerDirectory.Listener(instance: record.name, label: String(decoding: label.raw, as: UTF8.self),
                                              address: String(decoding: address.raw, as: UTF8.self))
    Logger.info(record.name, "\(listener.label) listening on \(listener.address)")
    record.services.listeners.add(owner: ObjectIdentifier(record), listener)
}

private func hostReportHealth(_ ih: trib_type_instance_host_ptr?, _ degraded: Int32, _ reason: trib_type_plugin_buffer) {
    guard let record = InstanceRecord.from(ih) else { return }
    let text = String(decoding: reason.raw, as: UTF8.self)
    if degraded != 0 { Logger.warn(record.name, "degraded: \(text)") } else { Logger.info(record.name, "healthy again") }
    record.services.healthReports.report(owner: ObjectIdentifier(record), instance: record.name, degraded: degraded != 0, reason: text)
}

private func hostCompleteDeviceAuth(_ ih: trib_type_instance_host_ptr?, _ op: UInt64, _ result: UnsafePointer<trib_type_plugin_device_auth_result>?) {
    guard let record = InstanceRecord.from(ih), let slot = record.authenticator else { return }
    record.services.authenticators.completeDevice(from: slot, operation: op, result)
}

private func hostCompleteUserAuth(_ ih: trib_type_instance_host_ptr?, _ op: UInt64, _ result: UnsafePointer<trib_type_plugin_user_auth_result>?) {
    guard let record = InstanceRecord.from(ih), let slot = record.authenticator else { return }
    record.services.authenticators.completeUser(from: slot, operation: op, result)
}

private func hostCompleteAuthorize(_ ih: trib_type_instance_host_ptr?, _ op: UInt64, _ status: trib_type_status) {
    guard let record = InstanceRecord.from(ih), let slot = record.authenticator else { return }
    record.services.authenticators.completeAuthorize(from: slot, operation: op, status)
}

private func hostCompleteDelivery(_ ih: trib_type_instance_host_ptr?, _ op: UInt64, _ status: trib_type_status) {
    guard let record = InstanceRecord.from(ih), let sink = record.sink else { return }
    sink.complete(operation: op, status: status)
}

private func hostCommandRouteAdd(_ ih: trib_type_instance_host_ptr?, _ application: trib_type_plugin_buffer,
                                 _ device: trib_type_plugin_buffer, _ handler: trib_type_command_handler_fn?,
                                 _ context: UnsafeMutableRawPointer?, _ release: trib_type_release_fn?,
                                 _ out: UnsafeMutablePointer<UInt64>?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let handler, let out, application.len > 0,
          UTF8Validation.isValid(application.raw), UTF8Validation.isValid(device.raw) else { return Int32(TRIB_ERR_INVALID) }
    out.pointee = record.services.commands.add(
        owner: ObjectIdentifier(record), application: String(decoding: application.raw, as: UTF8.self),
        device: String(decoding: device.raw, as: UTF8.self), handler: handler, context: context, release: release)
    return Int32(TRIB_OK)
}

private func hostCommandRouteRemove(_ ih: trib_type_instance_host_ptr?, _ route: UInt64) {
    guard let record = InstanceRecord.from(ih) else { return }
    record.services.commands.remove(owner: ObjectIdentifier(record), id: route)
}

private func hostCommandSend(_ ih: trib_type_instance_host_ptr?, _ command: UnsafePointer<trib_type_plugin_command>?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let command, command.pointee.application.len > 0,
          command.pointee.device.len > 0 else { return Int32(TRIB_ERR_INVALID) }
    return record.services.commands.send(command)
}

private func hostCommandSendAsync(_ ih: trib_type_instance_host_ptr?, _ command: UnsafePointer<trib_type_plugin_command>?,
                                  _ done: trib_type_command_done_fn?, _ context: UnsafeMutableRawPointer?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let command, let done, command.pointee.application.len > 0,
          command.pointee.device.len > 0 else { return Int32(TRIB_ERR_INVALID) }
    record.services.commands.send(command, done: done, context: context, sender: record.gate)
    return Int32(TRIB_PENDING)
}

private func hostCompleteCommand(_ ih: trib_type_instance_host_ptr?, _ op: UInt64, _ status: trib_type_status) {
    guard let record = InstanceRecord.from(ih) else { return }
    record.services.commands.complete(owner: ObjectIdentifier(record), op: op, status: status)
}

private func hostSubscribe(_ ih: trib_type_instance_host_ptr?, _ subscription: UnsafePointer<trib_type_subscription>?,
                           _ handler: trib_type_event_handler_fn?, _ context: UnsafeMutableRawPointer?,
                           _ release: trib_type_release_fn?, _ out: UnsafeMutablePointer<UInt64>?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let subscription, let handler, let out else { return Int32(TRIB_ERR_INVALID) }
    let s = subscription.pointee
    guard s.application.len > 0, UTF8Validation.isValid(s.application.raw), UTF8Validation.isValid(s.channel.raw),
          UTF8Validation.isValid(s.group.raw) else { return Int32(TRIB_ERR_INVALID) }
    let bus = record.services.bus
    let channel = String(decoding: s.channel.raw, as: UTF8.self)
    let group = String(decoding: s.group.raw, as: UTF8.self)
    let entry = Subscription(
        id: bus.makeID(), application: String(decoding: s.application.raw, as: UTF8.self),
        channel: channel.isEmpty ? nil : channel, group: group.isEmpty ? nil : group,
        maxEvents: s.queue_capacity == 0 ? nil : Int(s.queue_capacity),
        maxBytes: queueBytes(subscription) ?? Subscription.defaultQueueBytes, budget: record.services.busBudget,
        inline: subscriptionFlags(subscription) & UInt32(TRIB_SUBSCRIPTION_INLINE) != 0,
        pauseOnBusy: subscriptionFlags(subscription) & UInt32(TRIB_SUBSCRIPTION_PAUSE_ON_BUSY) != 0,
        handler: handler, context: context, release: release, metrics: record.metrics)
    record.addSubscription(entry.id)
    bus.add(entry)
    out.pointee = entry.id
    return Int32(TRIB_OK)
}

/// `queue_bytes`, when the plugin's struct has it (ABI 1.1) and set it.
private func queueBytes(_ subscription: UnsafePointer<trib_type_subscription>) -> Int? {
    let end = MemoryLayout<trib_type_subscription>.offset(of: \.queue_bytes)! + MemoryLayout<UInt64>.size
    guard Int(subscription.pointee.struct_size) >= end, subscription.pointee.queue_bytes > 0 else { return nil }
    return Int(clamping: subscription.pointee.queue_bytes)
}

/// `flags`, when the plugin's struct has them (ABI 1.1).
private func subscriptionFlags(_ subscription: UnsafePointer<trib_type_subscription>) -> UInt32 {
    let end = MemoryLayout<trib_type_subscription>.offset(of: \.flags)! + MemoryLayout<UInt32>.size
    return Int(subscription.pointee.struct_size) >= end ? subscription.pointee.flags : 0
}

private func hostResumeSubscription(_ ih: trib_type_instance_host_ptr?, _ id: UInt64) {
    guard let record = InstanceRecord.from(ih), record.ownsSubscription(id) else { return }
    record.services.bus.subscription(id: id)?.resume()
}

private func hostUnsubscribe(_ ih: trib_type_instance_host_ptr?, _ id: UInt64) {
    guard let record = InstanceRecord.from(ih), record.removeSubscription(id) else { return }
    record.services.bus.remove(id: id)?.cancel()
}

private func hostMetricRegister(_ ih: trib_type_instance_host_ptr?, _ kind: trib_type_metric_kind,
                                _ name: trib_type_plugin_buffer, _ help: trib_type_plugin_buffer,
                                _ out: UnsafeMutablePointer<UInt64>?) -> trib_type_status {
    guard let record = InstanceRecord.from(ih), let out, kind == TRIB_METRIC_COUNTER || kind == TRIB_METRIC_GAUGE else {
        return Int32(TRIB_ERR_INVALID)
    }
    let metricName = String(decoding: name.raw, as: UTF8.self)
    guard isValidMetricName(metricName) else { return Int32(TRIB_ERR_INVALID) }
    out.pointee = record.registerMetric(name: metricName, help: String(decoding: help.raw, as: UTF8.self),
                                        isCounter: kind == TRIB_METRIC_COUNTER)
    return Int32(TRIB_OK)
}

private func isValidMetricName(_ name: String) -> Bool {
    guard let first = name.utf8.first, first == UInt8(ascii: "_") || (0x61...0x7A).contains(first) else { return false }
    return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
}

private func hostMetricAdd(_ ih: trib_type_instance_host_ptr?, _ id: UInt64, _ delta: Int64) {
    InstanceRecord.from(ih)?.metric(id)?.add(delta)
}

private func hostMetricSet(_ ih: trib_type_instance_host_ptr?, _ id: UInt64, _ value: Int64) {
    InstanceRecord.from(ih)?.metric(id)?.set(value)
}

private func hostEventToJSON(_ event: UnsafePointer<trib_type_event>?, _ out: UnsafeMutablePointer<UInt8>?, _ capacity: Int) -> Int {
    guard let event else { return 0 }
    let json = CloudEventJSONEncoder.encode(event)
    if let out, json.count <= capacity {
        json.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
    }
    return json.count
}

private func hostConfigGet(_ ih: trib_type_instance_host_ptr?, _ key: trib_type_plugin_buffer) -> UnsafePointer<trib_type_config_item>? {
    guard let record = InstanceRecord.from(ih) else { return nil }
    return record.configLookup[String(decoding: key.raw, as: UTF8.self)]
}
