import CTributary
import CTributaryLinux
import Foundation
import Synchronization

/// A loaded plugin image and what its descriptor says, copied out of the image.
///
/// Loading stages a private copy first (so replacing the file on disk never touches the mapped
/// image, and a rebuilt library loads as a new image beside the old one) and always uses
/// RTLD_NODELETE: a Swift image must never be unmapped, because the Swift runtime keeps pointers
/// into its metadata forever.
public final class PluginLibrary: @unchecked Sendable {
    public let path: String
    public let stagedPath: String
    public let name: String
    public let version: String
    public let summary: String
    public let builtWith: String
    public let kind: PluginKind
    public let abiMajor: UInt32
    public let abiMinor: UInt32
    /// The plugin's descriptor as the host knows it: fields newer than the plugin's
    /// `struct_size` read as zero (NULL hooks).
    let descriptor: trib_type_plugin_descriptor

    private init(path: String, stagedPath: String, descriptor: UnsafePointer<trib_type_plugin_descriptor>, kind: PluginKind) {
        let d = AppendOnlyStruct.read(descriptor)
        self.path = path
        self.stagedPath = stagedPath
        self.descriptor = d
        self.kind = kind
        name = d.name.map { String(cString: $0) } ?? "?"
        version = d.version.map { String(cString: $0) } ?? ""
        summary = d.description.map { String(cString: $0) } ?? ""
        builtWith = d.built_with.map { String(cString: $0) } ?? ""
        abiMajor = d.abi_major
        abiMinor = d.abi_minor
    }

    /// Images already loaded, by content fingerprint: the same bytes are never loaded twice.
    private static let loaded = Mutex<[String: PluginLibrary]>([:])

    /// The identity a Swift plugin must report to be loaded by this host.
    public static var hostToolchain: String { String(cString: CTributaryLinux_toolchain_id()) }

    public static func load(path: String, stagingDirectory: String) throws(LoadError) -> PluginLibrary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, reason: FileManager.default.fileExists(atPath: path)
                ? "cannot read the library" : "no such library")
        }
        let fingerprint = contentFingerprint(data)
        if let existing = loaded.withLock({ $0[fingerprint] }) { return existing }

        let staged = try stage(data, from: path, fingerprint: fingerprint, in: stagingDirectory)
        guard let handle = dlopen(staged, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw LoadError(file: path, reason: "cannot load: \(String(cString: dlerror()))")
        }
        guard let symbol = dlsym(handle, TRIB_ENTRY_SYMBOL) else {
            throw LoadError(file: path, reason: "not a Tributary plugin: no \(TRIB_ENTRY_SYMBOL) symbol")
        }
        let entry = unsafeBitCast(symbol, to: trib_on_plugin_entry_fn.self)
        var descriptor: UnsafePointer<trib_type_plugin_descriptor>?
        let status = entry(TRIB_ABI_MAJOR, TRIB_ABI_MINOR, &descriptor)
        guard status == TRIB_OK, let descriptor else {
            throw LoadError(file: path, reason: status == TRIB_ERR_ABI
                ? "the plugin refused host ABI \(TRIB_ABI_MAJOR).\(TRIB_ABI_MINOR)"
                : "the entry point failed with status \(status)")
        }
        let library = try validate(descriptor, path: path, staged: staged)
        return loaded.withLock { loaded in
            if let existing = loaded[fingerprint] { return existing }
            loaded[fingerprint] = library
            return library
        }
    }

    private static func validate(_ descriptor: UnsafePointer<trib_type_plugin_descriptor>, path: String, staged: String) throws(LoadError) -> PluginLibrary {
        let d = AppendOnlyStruct.read(descriptor)
        let minimumSize = MemoryLayout<trib_type_plugin_descriptor>.offset(of: \.authenticator)! + MemoryLayout<UnsafeRawPointer>.size
        guard d.struct_size >= minimumSize else {
            throw LoadError(file: path, reason: "descriptor struct_size \(d.struct_size) is smaller than ABI 1.0's \(minimumSize)")
        }
        guard d.abi_major == TRIB_ABI_MAJOR else {
            throw LoadError(file: path, reason: "built for plugin ABI \(d.abi_major).\(d.abi_minor), this host speaks \(TRIB_ABI_MAJOR).\(TRIB_ABI_MINOR) (major versions differ)")
        }
        guard d.abi_minor <= TRIB_ABI_MINOR else {
            throw LoadError(file: path, reason: "needs plugin ABI \(d.abi_major).\(d.abi_minor), this host speaks \(TRIB_ABI_MAJOR).\(TRIB_ABI_MINOR) (upgrade the host, or rebuild the plugin asking for an older minor)")
        }
        let builtWith = d.built_with.map { String(cString: $0) } ?? ""
        if builtWith.hasPrefix("swift"), builtWith != hostToolchain {
            throw LoadError(file: path, reason: "a Swift plugin built with another toolchain (\(builtWith)); this host was built with \(hostToolchain), and Swift has no ABI stability on Linux: rebuild the plugin with the host's toolchain")
        }
        guard let kind = PluginKind(d.kind) else {
            throw LoadError(file: path, reason: "unknown plugin kind \(d.kind)")
        }
        guard d.name != nil, d.on_instance_new != nil, d.on_instance_destroy != nil else {
            throw LoadError(file: path, reason: "descriptor lacks a name, on_instance_new or on_instance_destroy")
        }
        switch kind {
        case .sink:
            guard let hooks = d.sink, hooks.pointee.struct_size >= MemoryLayout<trib_type_sink_hooks>.offset(of: \.on_sink_deliver)! + 8,
                  hooks.pointee.on_sink_deliver != nil else {
                throw LoadError(file: path, reason: "a sink without on_sink_deliver")
            }
        case .authenticator:
            guard let hooks = d.authenticator, hooks.pointee.struct_size >= MemoryLayout<trib_type_authenticator_hooks>.size else {
                throw LoadError(file: path, reason: "an authenticator without its hooks table")
            }
        case .adapter:
            break
        }
        return PluginLibrary(path: path, stagedPath: staged, descriptor: descriptor, kind: kind)
    }

    /// Copies the library to `<staging>/<name>-<fingerprint>.so` (write, fsync, rename), so the
    /// image the host maps is never the file an operator replaces.
    private static func stage(_ data: Data, from path: String, fingerprint: String, in directory: String) throws(LoadError) -> String {
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let staged = (directory as NSString).appendingPathComponent("\(base)-\(fingerprint).so")
        if FileManager.default.fileExists(atPath: staged) { return staged }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LoadError(file: path, reason: "cannot create the staging directory \(directory): \(error.localizedDescription)")
        }
        let temporary = staged + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o700)
        guard fd >= 0 else { throw LoadError(file: path, reason: "cannot stage a copy in \(directory): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard written, rename(temporary, staged) == 0 else {
            unlink(temporary)
            throw LoadError(file: path, reason: "cannot stage a copy in \(directory): \(String(cString: strerror(errno)))")
        }
        return staged
    }

    /// FNV-1a over the bytes, plus the length: enough to tell builds apart (not a security check;
    /// the operator controls the plugin directory).
    private static func contentFingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            for byte in raw {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16) + "-" + String(data.count, radix: 16)
    }
}
