/// How a log line is written (`log_format`): `text` for people (`<time> <level> [<instance>]
/// <message>`), `logfmt` for collectors that split key=value fields (Loki, journald's
/// `journalctl -o`), `json` for those that read one object a line (Fluent Bit, Vector). Every
/// format holds the same four fields: time, level, instance, msg.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, logfmt, json

    var rawCode: UInt8 {
        switch self {
        case .text: 0
        case .logfmt: 1
        case .json: 2
        }
    }

    init(code: UInt8) {
        self = code == 1 ? .logfmt : code == 2 ? .json : .text
    }

    /// A logfmt value: bare when it holds no space, quote, `=` or control character, otherwise
    /// quoted with `\"`, `\\`, `\n`, `\t` and other controls escaped, so one line stays one event.
    static func appendLogfmtValue(_ value: String, to line: inout [UInt8]) {
        let bytes = value.utf8
        let bare = !bytes.isEmpty && !bytes.contains { $0 <= 0x20 || $0 == 0x22 || $0 == 0x3D || $0 == 0x5C || $0 == 0x7F }
        guard !bare else { return line.append(contentsOf: bytes) }
        line.append(0x22)
        for byte in bytes {
            switch byte {
            case 0x22: line.append(contentsOf: [0x5C, 0x22])
            case 0x5C: line.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: line.append(contentsOf: [0x5C, 0x6E])
            case 0x09: line.append(contentsOf: [0x5C, 0x74])
            case 0x00..<0x20, 0x7F: line.append(contentsOf: Array("\\u00\(byte < 16 ? "0" : "")\(String(byte, radix: 16))".utf8))
            default: line.append(byte)
            }
        }
        line.append(0x22)
    }
}
