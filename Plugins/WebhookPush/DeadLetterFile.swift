import Glibc
import Synchronization
import TributarySDK

/// The events the consumer refused (a 4xx other than 408 and 429) or that ran out of retries,
/// appended as JSON lines so nothing is dropped silently and an operator can replay them:
///
///     {"time":"2025-01-01T00:00:00Z","status":400,"reason":"HTTP 400 Bad Request","attempts":1,
///      "response":"<the start of the response body>","event":{<the CloudEvent, structured JSON>}}
///
/// `status` is 0 when no response decided (the retry limit after timeouts, an unencodable
/// event). Opened on first use (its directory made then) and kept open; shared by the
/// sender's shards, so a lock keeps each append whole.
final class DeadLetterFile: @unchecked Sendable {
    let path: String
    private let lock = Mutex(())
    private var fd: Int32 = -1
    private var unsynced = false

    init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    /// Appends one line per event; false when the file cannot be written (the caller logs).
    func append(_ events: [CloudEvent], status: Int, reason: String, attempts: Int, response: [UInt8]) -> Bool {
        lock.withLock { _ in appendLocked(events, status: status, reason: reason, attempts: attempts, response: response) }
    }

    private func appendLocked(_ events: [CloudEvent], status: Int, reason: String, attempts: Int, response: [UInt8]) -> Bool {
        if fd < 0 {
            try? FileSystem.makeDirectories(FileSystem.parent(of: path))
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return false }
        }
        var lines: [UInt8] = []
        let now = RFC3339.formatUTC(unixNanoseconds: RFC3339.nowUnixNanoseconds())
        let excerpt = String(decoding: response.prefix(1024), as: UTF8.self)
        for event in events {
            lines += Array("{\"time\":\"\(now)\",\"status\":\(status),\"reason\":".utf8)
            JSON.appendQuoted(reason, to: &lines)
            lines += Array(",\"attempts\":\(attempts),\"response\":".utf8)
            JSON.appendQuoted(excerpt, to: &lines)
            lines += Array(",\"event\":".utf8)
            CloudEventJSONEncoder.encode(event, into: &lines)
            lines += Array("}\n".utf8)
        }
        unsynced = true
        return lines.withUnsafeBytes { FileSystem.writeAll(fd, $0) }
    }

    /// Makes what was appended durable (before the spool's cursor moves past those events).
    func sync() {
        lock.withLock { _ in
            guard unsynced, fd >= 0 else { return }
            fsync(fd)
            unsynced = false
        }
    }
}
