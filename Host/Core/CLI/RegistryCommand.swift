import Foundation
import Glibc

/// `tributary registry`: edits the registry file the registry-file drop-in names (or
/// `--registry FILE`) without hand-written JSON or clear-text secrets. Each command reads the
/// file, makes one edit, has the registry-file plugin validate the result exactly as a running
/// host would load it, and only then replaces the file atomically (a temporary file beside it,
/// fsync, rename), so a running host's watch sees one complete new version or nothing.
enum RegistryCommand {
    static let usage = """
        usage: tributary registry [--config-dir DIR | --registry FILE] <command>

          app add APP [--owner USER]            an application (owned by USER)
          app remove APP                        an application without devices
          app trust APP CA.pem                  a trust anchor for the devices' client certificates
          app member APP USER ROLE              USER gets ROLE (admin, manager, reader) on APP
          device add APP DEVICE [--password-stdin | --generate-password] [--sha512]
                                                a device; its password is hashed (bcrypt by
                                                default) and never stored or shown in clear
          device remove APP DEVICE
          device gateway APP DEVICE GATEWAY     GATEWAY may publish for DEVICE (`as`)
          user add USER                         a user with a new API key, printed once
          user remove USER
        """

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func run(_ options: CommandLineOptions, readStandardInput: () -> String?) -> Int32 {
        do {
            try execute(options, readStandardInput: readStandardInput)
            return 0
        } catch let failure as Failure {
            HostCommands.printError("tributary registry: \(failure)")
            return failure.description.hasPrefix("usage:") ? 2 : 1
        } catch {
            HostCommands.printError("tributary registry: \(error)")
            return 1
        }
    }

    private static func execute(_ options: CommandLineOptions, readStandardInput: () -> String?) throws {
        var arguments = options.arguments
        let flags = Set(arguments.filter { $0.hasPrefix("--") })
        let owner = value(after: "--owner", in: &arguments)
        arguments.removeAll { $0.hasPrefix("--") }
        guard arguments.count >= 2 else { throw Failure(usage) }

        let (set, errors) = ConfigSet.load(directory: options.configDirectory, overrides: options.overrides)
        let registryDropIn = set.instances.first { $0.plugin == "registry-file" && $0.enabled }
        var path: String
        if let file = options.registryFile {
            path = file
        } else if let dropIn = registryDropIn, let configured = dropIn.entries.first(where: { $0.key == "path" }), case .string(let text) = configured.value {
            path = text.hasPrefix("/") ? text : ((dropIn.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(text)
        } else {
            let why = errors.isEmpty ? "" : " (\(errors.count) configuration error\(errors.count == 1 ? "" : "s"): \(errors[0]))"
            throw Failure("no enabled registry-file drop-in in \(options.configDirectory) names a path\(why); use --registry FILE")
        }
        // Absolute, so the plugin reads the edited copy wherever its drop-in lives.
        path = URL(fileURLWithPath: path).standardizedFileURL.path

        let original = FileManager.default.contents(atPath: path)
        var document = try RegistryDocument(json: original ?? Data())
        var printed: [String] = []
        var summary: String
        switch (arguments[0], arguments[1], Array(arguments.dropFirst(2))) {
        case ("app", "add", let rest) where rest.count == 1:
            try document.addApplication(rest[0], owner: owner)
            summary = "application '\(rest[0])' added"
        case ("app", "remove", let rest) where rest.count == 1:
            try document.removeApplication(rest[0])
            summary = "application '\(rest[0])' removed"
        case ("app", "trust", let rest) where rest.count == 2:
            guard let pem = try? String(contentsOfFile: rest[1], encoding: .utf8) else { throw Failure("cannot read \(rest[1])") }
            try document.trust(rest[0], certificatePEM: pem)
            summary = "application '\(rest[0])' trusts \(rest[1])"
        case ("app", "member", let rest) where rest.count == 3:
            try document.addMember(rest[0], user: rest[1], role: rest[2])
            summary = "user '\(rest[1])' is \(rest[2]) of '\(rest[0])'"
        case ("device", "add", let rest) where rest.count == 2:
            var hash: (String, String)?
            let scheme: SecretHashing.Scheme = flags.contains("--sha512") ? .sha512 : .bcrypt
            if flags.contains("--password-stdin") {
                guard let line = readStandardInput()?.trimmingCharacters(in: .newlines), !line.isEmpty else {
                    throw Failure("--password-stdin: no password on standard input")
                }
                hash = (scheme.rawValue, try SecretHashing.hash(password: line, scheme: scheme))
            } else if flags.contains("--generate-password") {
                let password = SecretHashing.randomSecret()
                hash = (scheme.rawValue, try SecretHashing.hash(password: password, scheme: scheme))
                printed.append("password for \(rest[1])@\(rest[0]) (shown once, only its hash is stored): \(password)")
            }
            try document.addDevice(rest[1], application: rest[0], passwordHash: hash)
            summary = "device '\(rest[1])' of '\(rest[0])' added" + (hash == nil ? " (no password)" : " (\(scheme.rawValue) password)")
        case ("device", "remove", let rest) where rest.count == 2:
            try document.removeDevice(rest[1], application: rest[0])
            summary = "device '\(rest[1])' of '\(rest[0])' removed"
        case ("device", "gateway", let rest) where rest.count == 3:
            try document.addGateway(rest[2], for: rest[1], application: rest[0])
            summary = "'\(rest[2])' may publish for '\(rest[1])' of '\(rest[0])'"
        case ("user", "add", let rest) where rest.count == 1:
            let key = SecretHashing.randomSecret(bytes: 32)
            try document.addUser(rest[0], apiKeyHash: SecretHashing.apiKeyHash(key))
            printed.append("API key for \(rest[0]) (shown once, only its hash is stored): \(key)")
            summary = "user '\(rest[0])' added"
        case ("user", "remove", let rest) where rest.count == 1:
            try document.removeUser(rest[0])
            summary = "user '\(rest[0])' removed"
        default:
            throw Failure(usage)
        }
        try replace(path, with: document.json, validatedBy: registryDropIn, settings: set.settings)
        print("\(path): \(summary)")
        for line in printed { print(line) }
    }

    private static func value(after flag: String, in arguments: inout [String]) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        let value = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
        return value
    }

    /// Writes `data` beside `path`, has the registry-file plugin load it (`on_instance_new`, as
    /// `tributary check` does), then renames it over `path`; a refused version is removed and
    /// the file stays as it was.
    private static func replace(_ path: String, with data: Data, validatedBy dropIn: InstanceConfig?, settings: HostSettings) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw Failure("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        // The new version keeps the file's owner and mode, so a host running as its own user
        // still reads it after root edited it.
        var status = stat()
        if stat(path, &status) == 0 {
            _ = fchown(fd, status.st_uid, status.st_gid)
            _ = fchmod(fd, status.st_mode & 0o7777)
        }
        var bytes = Array(data) + [0x0A]
        let written = write(fd, &bytes, bytes.count)
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(temporary)
            throw Failure("cannot write \(temporary)")
        }
        var check = dropIn ?? InstanceConfig(name: "registry", plugin: "registry-file", enabled: true, filter: SinkFilter(), file: path, entries: [])
        check.entries = check.entries.filter { $0.key != "path" }
            + [TOMLTable.FlatEntry(key: "path", value: .string(temporary), position: SourcePosition(line: 0, column: 0))]
        Logger.level = .error
        let problems = HostRuntime(settings: settings).check([check])
        guard problems.isEmpty else {
            unlink(temporary)
            throw Failure("the edited registry was refused, \(path) is unchanged: " + problems.map(\.message).joined(separator: "; "))
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }
}
