import Glibc
import Synchronization
import TributarySDK

/// Leveled, line-oriented logs on stderr, each line tagged with the instance that wrote it, with
/// secrets redacted (``Redaction``), in the operator's ``LogFormat``: readable text, or fields a
/// collector parses (logfmt for Loki and journald, JSON for Fluent Bit and Elasticsearch).
///
/// One `write(2)` per line keeps lines from different threads whole (they are far below
/// PIPE_BUF), so no lock is needed on the hot path; the level check is one atomic load.
public enum Logger {
    private static let threshold = Atomic<Int32>(LogLevel.info.rawValue)
    private static let formatValue = Atomic<UInt8>(LogFormat.text.rawCode)

    public static var format: LogFormat {
        get { LogFormat(code: formatValue.load(ordering: .relaxed)) }
        set { formatValue.store(newValue.rawCode, ordering: .relaxed) }
    }

    public static var level: LogLevel {
        get { LogLevel(rawValue: threshold.load(ordering: .relaxed)) ?? .info }
        set { threshold.store(newValue.rawValue, ordering: .relaxed) }
    }

    public static func isEnabled(_ level: LogLevel) -> Bool {
        level.rawValue <= threshold.load(ordering: .relaxed)
    }

    public static func log(_ level: LogLevel, _ tag: String, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        var line: [UInt8] = []
        line.reserveCapacity(128)
        let message = Redaction.redact(message())
        let now = RFC3339.nowUnixNanoseconds()
        switch format {
        case .text:
            RFC3339.appendUTC(unixNanoseconds: now, to: &line)
            line.append(0x20)
            line.append(contentsOf: level.name.utf8)
            line.append(contentsOf: " [".utf8)
            line.append(contentsOf: tag.utf8)
            line.append(contentsOf: "] ".utf8)
            for byte in message.utf8 { line.append(byte == 0x0A ? 0x20 : byte) }
        case .logfmt:
            line.append(contentsOf: "time=".utf8)
            RFC3339.appendUTC(unixNanoseconds: now, to: &line)
            line.append(contentsOf: " level=".utf8)
            line.append(contentsOf: level.name.utf8)
            line.append(contentsOf: " instance=".utf8)
            LogFormat.appendLogfmtValue(tag, to: &line)
            line.append(contentsOf: " msg=".utf8)
            LogFormat.appendLogfmtValue(message, to: &line)
        case .json:
            line.append(contentsOf: "{\"time\":\"".utf8)
            RFC3339.appendUTC(unixNanoseconds: now, to: &line)
            line.append(contentsOf: "\",\"level\":\"".utf8)
            line.append(contentsOf: level.name.utf8)
            line.append(contentsOf: "\",\"instance\":".utf8)
            JSON.appendQuoted(tag, to: &line)
            line.append(contentsOf: ",\"msg\":".utf8)
            JSON.appendQuoted(message, to: &line)
            line.append(0x7D)
        }
        line.append(0x0A)
        line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    public static func error(_ tag: String, _ message: @autoclosure () -> String) { log(.error, tag, message()) }
    public static func warn(_ tag: String, _ message: @autoclosure () -> String) { log(.warn, tag, message()) }
    public static func info(_ tag: String, _ message: @autoclosure () -> String) { log(.info, tag, message()) }
    public static func debug(_ tag: String, _ message: @autoclosure () -> String) { log(.debug, tag, message()) }
}
