import Glibc

/// Reads a whole file a plugin's configuration names (a registry, a key set), bounded, with the
/// reason as `strerror` gives it.
public enum FileContents {
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The file's bytes; fails when it cannot be opened or read, or holds more than `maxBytes`.
    public static func read(_ path: String, maxBytes: Int = .max) throws(ReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: "cannot read: \(String(cString: strerror(errno)))")
            }
            guard bytes.count + count <= maxBytes else { throw ReadError(description: "larger than \(maxBytes) bytes") }
            bytes += chunk[..<count]
        }
    }
}
