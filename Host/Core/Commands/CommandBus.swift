import CTributary
import Synchronization

/// Best-effort commands (README.md, the HTTP plugin's command API): a command goes to a live
/// route of its target device (exact routes first, then the application's wildcard routes) or
/// nowhere; nothing is queued, and the sender learns which. A sender that waits (ABI 1.2) learns
/// it from the route that took the command, possibly later (a network server's answer).
final class CommandBus: Sendable {
    private struct Key: Hashable {
        let application: String
        let device: String
    }

    /// Routes by target, each set by id (ids grow, so id order is the order routes were added),
    /// and every route's target by id: adding and removing one route costs O(1) however many
    /// a target has, where a list copied per removal made one client's disconnect quadratic.
    private struct Table {
        var byKey: [Key: [UInt64: CommandRoute]] = [:]
        var keyOf: [UInt64: Key] = [:]

        mutating func remove(_ id: UInt64) -> CommandRoute? {
            guard let key = keyOf.removeValue(forKey: id) else { return nil }
            let route = byKey[key]?.removeValue(forKey: id)
            if byKey[key]?.isEmpty == true { byKey[key] = nil }
            return route
        }

        /// A target's routes in the order they were added.
        func routes(_ key: Key) -> [CommandRoute] {
            guard let set = byKey[key] else { return [] }
            return set.count == 1 ? Array(set.values) : set.values.sorted { $0.id < $1.id }
        }
    }

    /// A waiting sender's completion, and the instance whose route holds it (only that instance
    /// may complete it, and its destroy fails what it still holds). The context is the sender's
    /// and only passed back to its `done`, which the header allows from any thread.
    private struct Waiting: @unchecked Sendable {
        var owner: ObjectIdentifier?
        let done: trib_type_command_done_fn
        let context: UnsafeMutableRawPointer?
        let sender: CallGate
    }

    private let table = Mutex(Table())
    private let waiting = Mutex<[UInt64: Waiting]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let nextOperation = Atomic<UInt64>(1)
    private let registry: MetricsRegistry

    init(registry: MetricsRegistry) { self.registry = registry }

    func add(owner: ObjectIdentifier, application: String, device: String, handler: @escaping trib_type_command_handler_fn,
             context: UnsafeMutableRawPointer?, release: trib_type_release_fn?) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let route = CommandRoute(id: id, owner: owner, application: application, device: device,
                                 handler: handler, context: context, release: release)
        let key = Key(application: application, device: device)
        table.withLock { table in
            table.byKey[key, default: [:]][id] = route
            table.keyOf[id] = key
        }
        return id
    }

    /// Removes a route of `owner`; ids of other instances are ignored.
    func remove(owner: ObjectIdentifier, id: UInt64) {
        let removed: CommandRoute? = table.withLock { table in
            guard let key = table.keyOf[id], table.byKey[key]?[id]?.owner == owner else { return nil }
            return table.remove(id)
        }
        removed?.remove()
    }

    /// Removes every route an instance still holds (it is being destroyed) and returns them.
    @discardableResult
    func removeAll(owner: ObjectIdentifier) -> [CommandRoute] {
        let removed: [CommandRoute] = table.withLock { table in
            let mine = table.byKey.values.flatMap { $0.values.filter { $0.owner == owner } }
            return mine.compactMap { table.remove($0.id) }
        }
        for route in removed { route.remove() }
        let abandoned = waiting.withLock { waiting -> [Waiting] in
            let held = waiting.filter { $0.value.owner == owner }
            for id in held.keys { waiting[id] = nil }
            return Array(held.values)
        }
        for entry in abandoned { finish(entry, Int32(TRIB_ERR_UNAVAILABLE)) }
        return removed
    }

    /// `trib_host_command_send`: the sender's bytes are lent on to each handler as they are (the
    /// sender's call outlasts every handler call). Nobody waits, so a route's TRIB_PENDING (a
    /// handler that ignores op 0) counts as taken.
    func send(_ sent: UnsafePointer<trib_type_plugin_command>) -> Int32 {
        var command = Self.lent(sent.pointee, op: 0)
        for route in candidates(command) {
            let status = route.offer(&command)
            if status == TRIB_OK || status == TRIB_PENDING {
                registry.commandsDelivered.add()
                return Int32(TRIB_OK)
            }
        }
        registry.commandsWithoutRoute.add()
        return Int32(TRIB_ERR_NOT_FOUND)
    }

    /// `trib_host_command_send_async`: as `send`, with an operation each route may answer later;
    /// `done` runs exactly once, through the sender's gate.
    func send(_ sent: UnsafePointer<trib_type_plugin_command>, done: @escaping trib_type_command_done_fn,
              context: UnsafeMutableRawPointer?, sender: CallGate) {
        let op = nextOperation.add(1, ordering: .relaxed).newValue
        var command = Self.lent(sent.pointee, op: op)
        waiting.withLock { $0[op] = Waiting(owner: nil, done: done, context: context, sender: sender) }
        for route in candidates(command) {
            // Set before the handler runs: it may complete from inside, or from another thread
            // before it returns.
            waiting.withLock { $0[op]?.owner = route.owner }
            let status = route.offer(&command)
            if status == TRIB_PENDING {
                registry.commandsDelivered.add()
                return
            }
            if status == TRIB_ERR_NOT_FOUND { continue }
            if status == TRIB_OK { registry.commandsDelivered.add() }
            // An immediate answer decides only if the handler did not complete inside.
            if let entry = waiting.withLock({ $0.removeValue(forKey: op) }) { finish(entry, status) }
            return
        }
        registry.commandsWithoutRoute.add()
        if let entry = waiting.withLock({ $0.removeValue(forKey: op) }) { finish(entry, Int32(TRIB_ERR_NOT_FOUND)) }
    }

    /// `trib_host_complete_command` from `owner`; an unknown, finished or foreign op is counted.
    func complete(owner: ObjectIdentifier, op: UInt64, status: Int32) {
        let entry = waiting.withLock { waiting -> Waiting? in
            guard let entry = waiting[op], entry.owner == owner else { return nil }
            return waiting.removeValue(forKey: op)
        }
        guard let entry else { return registry.unknownCompletions.add() }
        finish(entry, status > 0 ? Int32(TRIB_ERR_INTERNAL) : status)
    }

    private func finish(_ entry: Waiting, _ status: Int32) {
        entry.sender.pass { entry.done(entry.context, status) }
    }

    private func candidates(_ command: trib_type_command) -> [CommandRoute] {
        let application = command.application.string
        let device = command.device.string
        return table.withLock { table in
            table.routes(Key(application: application, device: device)) + table.routes(Key(application: application, device: ""))
        }
    }

    private static func lent(_ c: trib_type_plugin_command, op: UInt64) -> trib_type_command {
        func relent(_ buffer: trib_type_plugin_buffer) -> trib_type_host_buffer { trib_type_host_buffer(ptr: buffer.ptr, len: buffer.len) }
        return trib_type_command(struct_size: UInt32(MemoryLayout<trib_type_command>.size), application: relent(c.application),
                                 device: relent(c.device), command: relent(c.command), content_type: relent(c.content_type),
                                 payload: relent(c.payload), op: op)
    }
}
