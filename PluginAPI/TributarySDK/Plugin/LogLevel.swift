import CTributary

/// Log levels, most severe first (`trib_type_log_level`).
public enum LogLevel: Int32, Sendable, Comparable, CaseIterable {
    case error = 0, warn, info, debug, trace

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var cValue: trib_type_log_level { trib_type_log_level(rawValue: UInt32(rawValue)) }

    public var name: String {
        switch self {
        case .error: "error"
        case .warn: "warn"
        case .info: "info"
        case .debug: "debug"
        case .trace: "trace"
        }
    }

    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }
}
