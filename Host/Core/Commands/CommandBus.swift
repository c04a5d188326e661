import CTributary
import Synchronization

/// Best-effort commands (README.md, the HTTP plugin's command API): a command goes to a live
/// route of its target device (exact routes first, then the application's wildcard routes) or
/// nowhere; nothing is queued, and the sender learns which.
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

    private let table = Mutex(Table())
    private let nextID = Atomic<UInt64>(1)
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
        return removed
    }

    /// `trib_host_command_send`: the sender's bytes are lent on to each handler as they are (the
    /// sender's call outlasts every handler call).
    func send(_ sent: UnsafePointer<trib_type_plugin_command>) -> Int32 {
        let c = sent.pointee
        func relent(_ buffer: trib_type_plugin_buffer) -> trib_type_host_buffer { trib_type_host_buffer(ptr: buffer.ptr, len: buffer.len) }
        var command = trib_type_command(struct_size: UInt32(MemoryLayout<trib_type_command>.size), application: relent(c.application),
                                        device: relent(c.device), command: relent(c.command), content_type: relent(c.content_type),
                                        payload: relent(c.payload))
        let application = command.application.string
        let device = command.device.string
        let candidates = table.withLock { table in
            table.routes(Key(application: application, device: device)) + table.routes(Key(application: application, device: ""))
        }
        for route in candidates where route.offer(&command) == TRIB_OK {
            registry.commandsDelivered.add()
            return Int32(TRIB_OK)
        }
        registry.commandsWithoutRoute.add()
        return Int32(TRIB_ERR_NOT_FOUND)
    }
}
