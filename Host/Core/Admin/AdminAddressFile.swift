import Foundation

/// The admin endpoint's bound address as a file, for whoever started the host on port 0 (test
/// harnesses, supervisors): written once the endpoint listens, by rename, so a reader polling for
/// the file never sees it half written.
enum AdminAddressFile {
    static func write(_ address: String, to path: String) throws {
        let temporary = path + ".tmp"
        try Data((address + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw AdminError("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
