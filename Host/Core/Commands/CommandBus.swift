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

    private let routes = Mutex<[Key: [CommandRoute]]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let registry: MetricsRegistry

    init(registry: MetricsRegistry) { self.registry = registry }

    func add(owner: ObjectIdentifier, application: String, device: String, handler: @escaping trib_type_command_handler_fn,
             context: UnsafeMutableRawPointer?, release: trib_type_release_fn?) -> UInt64 {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let route = CommandRoute(id: id, owner: owner, application: application, device: device,
                                 handler: handler, context: context, release: release)
        routes.withLock { $0[Key(application: application, device: device), default: []].append(route) }
        return id
    }

    /// Removes a route of `owner`; ids of other instances are ignored.
    func remove(owner: ObjectIdentifier, id: UInt64) {
        let removed: CommandRoute? = routes.withLock { routes in
            for (key, list) in routes {
                if let index = list.firstIndex(where: { $0.id == id && $0.owner == owner }) {
                    var remaining = list
                    let route = remaining.remove(at: index)
                    routes[key] = remaining.isEmpty ? nil : remaining
                    return route
                }
            }
            return nil
        }
        removed?.remove()
    }

    /// Removes every route an instance still holds (it is being destroyed) and returns them.
    @discardableResult
    func removeAll(owner: ObjectIdentifier) -> [CommandRoute] {
        let removed: [CommandRoute] = routes.withLock { routes in
            var gone: [CommandRoute] = []
            for (key, list) in routes {
                let (mine, others) = (list.filter { $0.owner == owner }, list.filter { $0.owner != owner })
                gone += mine
                routes[key] = others.isEmpty ? nil : others
            }
            return gone
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
        let candidates = routes.withLock { routes in
            (routes[Key(application: application, device: device)] ?? []) + (routes[Key(application: application, device: "")] ?? [])
        }
        for route in candidates where route.offer(&command) == TRIB_OK {
            registry.commandsDelivered.add()
            return Int32(TRIB_OK)
        }
        registry.commandsWithoutRoute.add()
        return Int32(TRIB_ERR_NOT_FOUND)
    }
}
