import Foundation

/// A registry file (`applications`, `devices`, `users`, Drogue's resource model) as
/// `tributary registry` edits it: whole JSON objects, so fields it does not know (labels,
/// annotations, other credentials) pass through unchanged. Each edit checks what it can see
/// (an application exists, a name is not taken); the registry-file plugin validates the result
/// before it replaces the file.
struct RegistryDocument {
    struct EditError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private var root: [String: Any]

    init(json: Data) throws(EditError) {
        guard !json.isEmpty else {
            root = [:]
            return
        }
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw EditError("the registry is not a JSON object")
        }
        root = object
    }

    var json: Data {
        (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    // MARK: Applications

    mutating func addApplication(_ name: String, owner: String?) throws(EditError) {
        guard application(name) == nil else { throw EditError("application '\(name)' exists already") }
        var metadata: [String: Any] = ["name": name]
        if let owner { metadata["owner"] = owner }
        append(["metadata": metadata, "spec": [String: Any]()], to: "applications")
    }

    mutating func removeApplication(_ name: String) throws(EditError) {
        guard application(name) != nil else { throw EditError("no application '\(name)'") }
        let devices = list("devices").filter { Self.metadata($0)["application"] as? String == name }.count
        guard devices == 0 else { throw EditError("application '\(name)' still has \(devices) device\(devices == 1 ? "" : "s"); remove them first") }
        root["applications"] = list("applications").filter { Self.metadata($0)["name"] as? String != name }
    }

    /// Adds a trust anchor (a PEM certificate) to the application: its devices' client
    /// certificates are verified against it.
    mutating func trust(_ application: String, certificatePEM: String) throws(EditError) {
        try update("applications", where: { Self.metadata($0)["name"] as? String == application }, missing: "no application '\(application)'") { app in
            var spec = app["spec"] as? [String: Any] ?? [:]
            var anchors = spec["trustAnchors"] as? [String: Any] ?? [:]
            var list = anchors["anchors"] as? [Any] ?? []
            list.append(["certificate": Data(certificatePEM.utf8).base64EncodedString()])
            anchors["anchors"] = list
            spec["trustAnchors"] = anchors
            app["spec"] = spec
        }
    }

    mutating func addMember(_ application: String, user: String, role: String) throws(EditError) {
        try update("applications", where: { Self.metadata($0)["name"] as? String == application }, missing: "no application '\(application)'") { app in
            var metadata = app["metadata"] as? [String: Any] ?? [:]
            var members = metadata["members"] as? [String: Any] ?? [:]
            members[user] = ["role": role]
            metadata["members"] = members
            app["metadata"] = metadata
        }
    }

    // MARK: Devices

    /// A device, with a hashed password credential when `passwordHash` is given.
    mutating func addDevice(_ name: String, application: String, passwordHash: (scheme: String, hash: String)?) throws(EditError) {
        guard self.application(application) != nil else { throw EditError("no application '\(application)'") }
        guard device(name, of: application) == nil else { throw EditError("device '\(name)' of '\(application)' exists already") }
        var spec: [String: Any] = [:]
        if let passwordHash {
            spec["authentication"] = ["credentials": [["pass": [passwordHash.scheme: passwordHash.hash]]]]
        }
        append(["metadata": ["name": name, "application": application], "spec": spec], to: "devices")
    }

    mutating func removeDevice(_ name: String, application: String) throws(EditError) {
        guard device(name, of: application) != nil else { throw EditError("no device '\(name)' of '\(application)'") }
        root["devices"] = list("devices").filter { !Self.isDevice($0, name, application) }
    }

    /// Lets `gateway` publish for `device` (`spec.gatewaySelector.matchNames`).
    mutating func addGateway(_ gateway: String, for device: String, application: String) throws(EditError) {
        guard self.device(gateway, of: application) != nil else { throw EditError("no device '\(gateway)' of '\(application)' to be the gateway") }
        try update("devices", where: { Self.isDevice($0, device, application) }, missing: "no device '\(device)' of '\(application)'") { entry in
            var spec = entry["spec"] as? [String: Any] ?? [:]
            var selector = spec["gatewaySelector"] as? [String: Any] ?? [:]
            var names = selector["matchNames"] as? [String] ?? []
            if !names.contains(gateway) { names.append(gateway) }
            selector["matchNames"] = names
            spec["gatewaySelector"] = selector
            entry["spec"] = spec
        }
    }

    // MARK: Users

    mutating func addUser(_ name: String, apiKeyHash: String) throws(EditError) {
        guard !list("users").contains(where: { Self.metadata($0)["name"] as? String == name }) else { throw EditError("user '\(name)' exists already") }
        append(["metadata": ["name": name], "spec": ["apiKeys": [["hash": apiKeyHash, "description": "made by tributary registry"]]]], to: "users")
    }

    mutating func removeUser(_ name: String) throws(EditError) {
        guard list("users").contains(where: { Self.metadata($0)["name"] as? String == name }) else { throw EditError("no user '\(name)'") }
        root["users"] = list("users").filter { Self.metadata($0)["name"] as? String != name }
    }

    // MARK: -

    private func list(_ key: String) -> [[String: Any]] { root[key] as? [[String: Any]] ?? [] }

    private static func metadata(_ entry: [String: Any]) -> [String: Any] { entry["metadata"] as? [String: Any] ?? [:] }

    private func application(_ name: String) -> [String: Any]? { list("applications").first { Self.metadata($0)["name"] as? String == name } }

    private func device(_ name: String, of application: String) -> [String: Any]? { list("devices").first { Self.isDevice($0, name, application) } }

    private static func isDevice(_ entry: [String: Any], _ name: String, _ application: String) -> Bool {
        Self.metadata(entry)["name"] as? String == name && Self.metadata(entry)["application"] as? String == application
    }

    private mutating func append(_ entry: [String: Any], to key: String) {
        root[key] = list(key) + [entry]
    }

    private mutating func update(_ key: String, where matches: ([String: Any]) -> Bool, missing: String,
                                 _ change: (inout [String: Any]) -> Void) throws(EditError) {
        var entries = list(key)
        guard let index = entries.firstIndex(where: matches) else { throw EditError(missing) }
        change(&entries[index])
        root[key] = entries
    }
}
