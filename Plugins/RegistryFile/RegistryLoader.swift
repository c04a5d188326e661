import Glibc
import TributaryCrypto
import TributarySDK

/// One validated version of the registry file.
struct LoadedRegistry: Sendable {
    let index: RegistryIndex
    /// SHA-256 of the file, so a rewrite with the same content (a `touch`, a deploy tool that
    /// rewrites every file) keeps the verified-credential cache.
    let digest: [UInt8]
}

struct RegistryLoadError: Error, CustomStringConvertible {
    /// `line L column C: reason`, or why the file could not be read.
    let message: String
    var description: String { message }
}

/// Reads, parses and validates the registry file. Nothing is swapped in unless all of it is valid.
enum RegistryLoader {
    static func load(path: String) -> Result<LoadedRegistry, RegistryLoadError> {
        switch read(path) {
        case .failure(let error): .failure(error)
        case .success(let bytes): load(bytes: bytes)
        }
    }

    static func load(bytes: [UInt8]) -> Result<LoadedRegistry, RegistryLoadError> {
        do throws(PositionedError) {
            let index = try RegistryIndex(RegistryModel(decoding: PositionedJSONParser.parse(bytes), document: bytes))
            return .success(LoadedRegistry(index: index, digest: SHA256.digest(bytes)))
        } catch {
            return .failure(RegistryLoadError(message: "\(SourcePosition(offset: error.offset, in: bytes)): \(error.reason)"))
        }
    }

    private static func read(_ path: String) -> Result<[UInt8], RegistryLoadError> {
        do {
            return .success(try FileContents.read(path))
        } catch {
            return .failure(RegistryLoadError(message: error.description))
        }
    }
}
