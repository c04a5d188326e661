import TributaryCrypto
import TributarySDK

/// A value and the byte offset it came from, for errors found after decoding (duplicates,
/// dangling references, alias conflicts).
struct Located<Value: Sendable>: Sendable {
    let value: Value
    let offset: Int
}

/// Drogue's member roles (`client: src/admin/v1/data`), weakest last.
enum MemberRole: String, Sendable, CaseIterable {
    case admin, manager, reader
}

/// An application: Drogue's `metadata` (plus `owner` and `members`, which Drogue keeps beside
/// the resource) and the `spec` sections this registry uses.
final class Application: Sendable {
    let name: Located<String>
    let disabled: Bool
    /// The owning user; nil means anyone may act on the application (Drogue's rule).
    let owner: String?
    /// User name (the anonymous user is "") to role.
    let members: [String: MemberRole]
    /// The parsed `spec.trustAnchors`, nil when the application has none.
    let trustAnchors: TrustAnchors?
    /// Each `spec` member's JSON text, for adapters that ask (`application:ttn`).
    let properties: [String: [UInt8]]

    init(name: Located<String>, disabled: Bool, owner: String?, members: [String: MemberRole], trustAnchors: TrustAnchors?,
         properties: [String: [UInt8]] = [:]) {
        self.name = name
        self.disabled = disabled
        self.owner = owner
        self.members = members
        self.trustAnchors = trustAnchors
        self.properties = properties
    }
}

/// A `user` credential: a user name and password for one device.
struct UsernameCredential: Sendable {
    let username: Located<String>
    let secret: StoredSecret
    /// A unique user name is also an alias of the device (Drogue's alias table).
    let unique: Bool
}

/// A `psk` credential: the key, handed to TLS-PSK and DTLS-PSK adapters by PSK lookups, and its
/// validity window (Unix nanoseconds).
struct PSKCredential: Sendable {
    let key: [UInt8]
    let notBefore: Int64?
    let notAfter: Int64?

    func contains(_ time: Int64) -> Bool {
        (notBefore.map { $0 <= time } ?? true) && (notAfter.map { time <= $0 } ?? true)
    }
}

final class Device: Sendable {
    let name: Located<String>
    let application: Located<String>
    let disabled: Bool
    let aliases: [Located<String>]
    /// `spec.gatewaySelector.matchNames`: the devices that may act for this one.
    let gateways: Set<String>
    let passwords: [StoredSecret]
    let usernames: [UsernameCredential]
    let psks: [PSKCredential]
    /// Each `spec` member's JSON text except the credentials, for adapters that ask
    /// (`device:ttn`, `device:lorawan`).
    let properties: [String: [UInt8]]

    init(name: Located<String>, application: Located<String>, disabled: Bool, aliases: [Located<String>],
         gateways: Set<String>, passwords: [StoredSecret], usernames: [UsernameCredential], psks: [PSKCredential],
         properties: [String: [UInt8]] = [:]) {
        self.name = name
        self.application = application
        self.disabled = disabled
        self.aliases = aliases
        self.gateways = gateways
        self.passwords = passwords
        self.usernames = usernames
        self.psks = psks
        self.properties = properties
    }
}

/// An application-side user who authenticates with an API key.
final class User: Sendable {
    let name: Located<String>
    /// Global roles reported on authentication, e.g. `drogue-admin`.
    let roles: [String]
    let apiKeys: [StoredSecret]

    init(name: Located<String>, roles: [String], apiKeys: [StoredSecret]) {
        self.name = name
        self.roles = roles
        self.apiKeys = apiKeys
    }
}

/// The registry file decoded: `{"applications": [...], "devices": [...], "users": [...]}`, each
/// entry a Drogue resource (`metadata` + `spec`). `spec` sections this registry does not read
/// (`commands`, `mqtt`, `ttn`, ...) are free-form: kept as text for adapters that ask for them
/// as properties, never interpreted; the ones it reads are strict.
struct RegistryModel {
    var applications: [Application] = []
    var devices: [Device] = []
    var users: [User] = []

    /// `document`: the bytes `root` was parsed from, where the property texts are cut.
    init(decoding root: JSONNode, document: [UInt8]) throws(PositionedError) {
        let top = JSONField(node: root, path: "")
        try top.onlyKeys(["applications", "devices", "users"])
        for field in try top.member("applications")?.elements() ?? [] { applications.append(try Self.application(field, document)) }
        for field in try top.member("devices")?.elements() ?? [] { devices.append(try Self.device(field, document)) }
        for field in try top.member("users")?.elements() ?? [] { users.append(try Self.user(field)) }
    }

    /// A resource's `spec` members as JSON text; never its credentials, which are secrets.
    private static func properties(_ spec: JSONField?, _ document: [UInt8]) throws(PositionedError) -> [String: [UInt8]] {
        var properties: [String: [UInt8]] = [:]
        for (key, _, field) in try spec?.members() ?? [] where key != "authentication" && key != "credentials" {
            properties[key] = Array(field.node.bytes(in: document))
        }
        return properties
    }

    private static func located(_ field: JSONField) throws(PositionedError) -> Located<String> {
        Located(value: try field.name(), offset: field.node.offset)
    }

    /// `spec.core.disabled`, false when absent.
    private static func disabled(_ spec: JSONField?) throws(PositionedError) -> Bool {
        try spec?.member("core")?.member("disabled")?.bool() ?? false
    }

    private static func application(_ field: JSONField, _ document: [UInt8]) throws(PositionedError) -> Application {
        let metadata = try field.required("metadata")
        try metadata.member("labels")?.validateStringMap()
        try metadata.member("annotations")?.validateStringMap()
        var members: [String: MemberRole] = [:]
        for (user, _, entry) in try metadata.member("members")?.members() ?? [] {
            let role = try entry.required("role")
            guard let parsed = MemberRole(rawValue: try role.string().lowercased()) else {
                throw role.fail("unknown role (expected admin, manager or reader)")
            }
            members[user] = parsed
        }
        let spec = try field.member("spec")
        return Application(
            name: try located(try metadata.required("name")), disabled: try disabled(spec),
            owner: try metadata.member("owner")?.name(), members: members,
            trustAnchors: try trustAnchors(try spec?.member("trustAnchors")), properties: try properties(spec, document))
    }

    private static func trustAnchors(_ field: JSONField?) throws(PositionedError) -> TrustAnchors? {
        guard let field else { return nil }
        var certificates: [Certificate] = []
        for anchor in try field.required("anchors").elements() {
            let certificate = try anchor.required("certificate")
            certificates += try anchorCertificates(certificate)
        }
        guard !certificates.isEmpty else { return nil }
        do {
            return try TrustAnchors(certificates)
        } catch {
            throw field.fail(error.message)
        }
    }

    /// Accepted anchor forms: PEM text, base64 of PEM (what Drogue's code expects) or base64 of DER
    /// (what Drogue's documentation promises). Line breaks inside base64 are allowed, since
    /// `base64` wraps its output.
    private static func anchorCertificates(_ field: JSONField) throws(PositionedError) -> [Certificate] {
        let text = try field.string()
        let bytes: [UInt8]
        if text.contains("-----BEGIN") {
            bytes = Array(text.utf8)
        } else {
            guard let decoded = Base64.decode(String(text.filter { !$0.isWhitespace })) else {
                throw field.fail("neither PEM nor base64")
            }
            bytes = decoded
        }
        do {
            return try Certificate.parse(bytes)
        } catch {
            throw field.fail(error.message)
        }
    }

    private static func device(_ field: JSONField, _ document: [UInt8]) throws(PositionedError) -> Device {
        let metadata = try field.required("metadata")
        try metadata.member("labels")?.validateStringMap()
        try metadata.member("annotations")?.validateStringMap()
        let spec = try field.member("spec")
        var aliases: [Located<String>] = []
        for alias in try spec?.member("alias")?.elements() ?? [] { aliases.append(try located(alias)) }
        let gateways = try spec?.member("gatewaySelector")?.member("matchNames")?.stringArray() ?? []
        var passwords: [StoredSecret] = [], usernames: [UsernameCredential] = [], psks: [PSKCredential] = []
        for credential in try credentials(spec) {
            try credential.onlyKeys(["pass", "user", "psk", "cert"])
            let kinds = try credential.members()
            guard kinds.count == 1, let (kind, _, value) = kinds.first else {
                throw credential.fail("expected exactly one of pass, user, psk, cert")
            }
            switch kind {
            case "pass": passwords.append(try password(value))
            case "user":
                try value.onlyKeys(["username", "password", "unique"])
                usernames.append(UsernameCredential(
                    username: try located(try value.required("username")), secret: try password(try value.required("password")),
                    unique: try value.member("unique")?.bool() ?? false))
            case "psk": psks.append(try psk(value))
            default: break  // `cert`: Drogue keeps the field but never reads it; trust anchors decide.
            }
        }
        return Device(
            name: try located(try metadata.required("name")), application: try located(try metadata.required("application")),
            disabled: try disabled(spec), aliases: aliases, gateways: Set(gateways),
            passwords: passwords, usernames: usernames, psks: psks, properties: try properties(spec, document))
    }

    /// `spec.authentication.credentials`, or the legacy `spec.credentials.credentials`.
    private static func credentials(_ spec: JSONField?) throws(PositionedError) -> [JSONField] {
        if let current = try spec?.member("authentication") { return try current.member("credentials")?.elements() ?? [] }
        return try spec?.member("credentials")?.member("credentials")?.elements() ?? []
    }

    /// `"pw"` or `{"plain": "pw"}`, `{"bcrypt": "$2b$..."}`, `{"sha512": "$6$..."}`. Errors never
    /// quote the value: it is a secret.
    private static func password(_ field: JSONField) throws(PositionedError) -> StoredSecret {
        if case .string(let plain) = field.node.value { return PasswordHash.plain(plain) }
        try field.onlyKeys(["plain", "bcrypt", "sha512"])
        let forms = try field.members()
        guard forms.count == 1, let (form, _, value) = forms.first else {
            throw field.fail("expected a string or exactly one of plain, bcrypt, sha512")
        }
        let text = try value.string()
        switch form {
        case "plain": return PasswordHash.plain(text)
        case "bcrypt":
            guard let secret = PasswordHash.bcrypt(text) else { throw value.fail("not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)") }
            return secret
        default:
            guard let secret = PasswordHash.sha512Crypt(text) else { throw value.fail("not a sha512-crypt hash ($6$...)") }
            return secret
        }
    }

    private static func psk(_ field: JSONField) throws(PositionedError) -> PSKCredential {
        try field.onlyKeys(["key", "validity"])
        let key = try field.required("key")
        guard let bytes = Base64.decode(try key.string()), !bytes.isEmpty else { throw key.fail("expected a non-empty base64 key") }
        guard let validity = try field.member("validity") else { return PSKCredential(key: bytes, notBefore: nil, notAfter: nil) }
        try validity.onlyKeys(["notBefore", "notAfter"])
        return PSKCredential(key: bytes, notBefore: try timestamp(try validity.member("notBefore")),
                           notAfter: try timestamp(try validity.member("notAfter")))
    }

    private static func timestamp(_ field: JSONField?) throws(PositionedError) -> Int64? {
        guard let field else { return nil }
        guard let time = RFC3339.parse(try field.string()) else { throw field.fail("expected an RFC 3339 time") }
        return time
    }

    private static func user(_ field: JSONField) throws(PositionedError) -> User {
        let metadata = try field.required("metadata")
        let spec = try field.member("spec")
        try spec?.onlyKeys(["roles", "apiKeys"])
        var keys: [StoredSecret] = []
        for entry in try spec?.member("apiKeys")?.elements() ?? [] {
            try entry.onlyKeys(["hash", "description"])
            _ = try entry.member("description")?.string()
            let hash = try entry.required("hash")
            guard let secret = PasswordHash.apiKey(try hash.string()) else {
                throw hash.fail("expected sha256:<64 hex digits>, a bcrypt or a sha512-crypt hash")
            }
            keys.append(secret)
        }
        return User(name: try located(try metadata.required("name")), roles: try spec?.member("roles")?.stringArray() ?? [], apiKeys: keys)
    }
}
