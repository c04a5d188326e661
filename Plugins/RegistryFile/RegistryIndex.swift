import TributarySDK

/// The registry arranged for constant-time lookups, built once per file version and then only
/// read (requests hold the version they started with while a new one is swapped in).
///
/// Drogue resolves every name through alias tables; so does this: a device is found by its name,
/// any `spec.alias`, or the user name of a `unique` user credential, and an application by its
/// name or (for certificates) by the subject DN of one of its trust anchors.
final class RegistryIndex: Sendable {
    struct ApplicationEntry: Sendable {
        let application: Application
        /// Name, aliases and unique user names, each to its device.
        let devices: [String: Device]
    }

    private let applications: [String: ApplicationEntry]
    private let applicationsByAnchorSubject: [String: [Application]]
    private let users: [String: User]
    let deviceCount: Int
    /// What a secret for a device the registry does not know is verified against, so that
    /// failing costs what it costs for a known device (issue #12: the timing told which devices
    /// exist): a stored hash of the most common kind among the devices' secrets (same algorithm
    /// and cost), or a digest no secret has.
    let standIn: StoredSecret

    init(_ model: RegistryModel) throws(PositionedError) {
        var applications: [String: Application] = [:]
        var byAnchor: [String: [Application]] = [:]
        for application in model.applications {
            guard applications.updateValue(application, forKey: application.name.value) == nil else {
                throw PositionedError(offset: application.name.offset, reason: "application '\(application.name.value)' is defined twice")
            }
            for anchor in application.trustAnchors?.certificates ?? [] {
                byAnchor[anchor.subject, default: []].append(application)
            }
        }
        var devices: [String: [String: Device]] = [:]
        var names: Set<String> = []
        for device in model.devices {
            let app = device.application
            guard applications[app.value] != nil else {
                throw PositionedError(offset: app.offset, reason: "device '\(device.name.value)' names unknown application '\(app.value)'")
            }
            guard names.insert("\(app.value)/\(device.name.value)").inserted else {
                throw PositionedError(offset: device.name.offset, reason: "device '\(device.name.value)' is defined twice in application '\(app.value)'")
            }
            let keys = [device.name] + device.aliases + device.usernames.filter(\.unique).map(\.username)
            for key in keys {
                if let other = devices[app.value]?[key.value], other !== device {
                    throw PositionedError(
                        offset: key.offset,
                        reason: "'\(key.value)' of device '\(device.name.value)' is already a name or alias of device '\(other.name.value)' in application '\(app.value)'")
                }
                devices[app.value, default: [:]][key.value] = device
            }
        }
        var users: [String: User] = [:]
        for user in model.users {
            guard users.updateValue(user, forKey: user.name.value) == nil else {
                throw PositionedError(offset: user.name.offset, reason: "user '\(user.name.value)' is defined twice")
            }
        }
        self.applications = applications.mapValues { ApplicationEntry(application: $0, devices: devices[$0.name.value] ?? [:]) }
        applicationsByAnchorSubject = byAnchor
        self.users = users
        deviceCount = model.devices.count
        standIn = Self.mostCommonKind(model.devices.flatMap { $0.passwords + $0.usernames.map(\.secret) })
    }

    /// A crypt hash's kind is its algorithm and cost: bcrypt's `$2b$10$`, sha512-crypt's `$6$`
    /// or `$6$rounds=N$`; every plain password is one kind.
    private static func mostCommonKind(_ secrets: [StoredSecret]) -> StoredSecret {
        var counts: [String: (count: Int, example: StoredSecret)] = [:]
        for secret in secrets {
            let kind: String
            switch secret {
            case .digest: kind = "digest"
            case .crypt(let hash) where hash.hasPrefix("$6$rounds="):
                kind = String(hash.split(separator: "$", maxSplits: 3, omittingEmptySubsequences: false).prefix(3).joined(separator: "$"))
            case .crypt(let hash) where hash.hasPrefix("$6$"): kind = "$6$"
            case .crypt(let hash): kind = String(hash.prefix(7))
            }
            counts[kind, default: (0, secret)].count += 1
        }
        // Ties go to the kind named first in order, so the choice does not change between loads.
        let winner = counts.max { $0.value.count < $1.value.count || ($0.value.count == $1.value.count && $0.key > $1.key) }
        guard let winner, winner.key != "digest" else { return .digest([UInt8](repeating: 0, count: 32)) }
        return winner.value.example
    }

    var applicationCount: Int { applications.count }
    var userCount: Int { users.count }

    func application(_ name: String) -> ApplicationEntry? { applications[name] }

    /// The applications with a trust anchor whose subject DN is `subject`.
    func applications(anchoredAt subject: String) -> [ApplicationEntry] {
        (applicationsByAnchorSubject[subject] ?? []).compactMap { applications[$0.name.value] }
    }

    func user(_ name: String) -> User? { users[name] }
}
