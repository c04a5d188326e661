import Synchronization

/// Live events for pull consumers (MQTT integration, WebSocket), per application.
///
/// A subscription without a group gets every matching event. Members of one shared group (per
/// application) take turns: each event goes to the next member whose filter matches and whose
/// queue has room, so the group together sees everything while no member sees duplicates.
final class ApplicationEventBus: Sendable {
    private struct Group {
        var members: [Subscription] = []
        var next = 0
    }

    private struct Application {
        var individual: [Subscription] = []
        var groups: [String: Group] = [:]
        var isEmpty: Bool { individual.isEmpty && groups.isEmpty }
    }

    private let applications = Mutex<[String: Application]>([:])
    private let byID = Mutex<[UInt64: Subscription]>([:])
    private let nextID = Atomic<UInt64>(1)

    func makeID() -> UInt64 { nextID.add(1, ordering: .relaxed).newValue }

    /// A live subscription by id (`trib_host_resume_subscription`).
    func subscription(id: UInt64) -> Subscription? { byID.withLock { $0[id] } }

    func add(_ subscription: Subscription) {
        byID.withLock { $0[subscription.id] = subscription }
        applications.withLock { apps in
            if let group = subscription.group {
                apps[subscription.application, default: Application()].groups[group, default: Group()].members.append(subscription)
            } else {
                apps[subscription.application, default: Application()].individual.append(subscription)
            }
        }
    }

    /// Removes a subscription by id (only its owner's ids are passed here).
    func remove(id: UInt64) -> Subscription? {
        byID.withLock { _ = $0.removeValue(forKey: id) }
        return applications.withLock { apps in
            for (name, var app) in apps {
                if let index = app.individual.firstIndex(where: { $0.id == id }) {
                    let found = app.individual.remove(at: index)
                    apps[name] = app.isEmpty ? nil : app
                    return found
                }
                for (groupName, var group) in app.groups {
                    if let index = group.members.firstIndex(where: { $0.id == id }) {
                        let found = group.members.remove(at: index)
                        app.groups[groupName] = group.members.isEmpty ? nil : group
                        apps[name] = app.isEmpty ? nil : app
                        return found
                    }
                }
            }
            return nil
        }
    }

    func publish(_ record: EventRecord) {
        let targets: [Subscription] = applications.withLock { apps in
            guard var app = apps[record.application] else { return [] }
            var chosen = app.individual.filter { $0.wants(record) }
            for (name, var group) in app.groups {
                let count = group.members.count
                var fallback: Subscription?
                var picked: Subscription?
                for step in 0..<count {
                    let member = group.members[(group.next + step) % count]
                    guard member.wants(record) else { continue }
                    if fallback == nil { fallback = member }
                    if member.hasRoom {
                        picked = member
                        group.next = (group.next + step + 1) % count
                        break
                    }
                }
                // Every matching member is full: the first one drops and counts it.
                if let target = picked ?? fallback { chosen.append(target) }
                app.groups[name] = group
            }
            apps[record.application] = app
            return chosen
        }
        for subscription in targets { subscription.offer(record) }
    }
}
