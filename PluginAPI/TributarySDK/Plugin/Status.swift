import CTributary

/// A status code of the ABI (`trib_type_status`), as a value that keeps unknown codes intact.
///
/// The header's set is closed but may grow in a newer minor; `isFailure` and the named constants
/// let Swift code switch over the known ones while passing anything else through unchanged.
public struct Status: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let ok = Status(rawValue: Int32(TRIB_OK))
    public static let pending = Status(rawValue: Int32(TRIB_PENDING))
    public static let `defer` = Status(rawValue: Int32(TRIB_DEFER))
    public static let retry = Status(rawValue: Int32(TRIB_RETRY))
    public static let busy = Status(rawValue: Int32(TRIB_BUSY))
    public static let invalid = Status(rawValue: Int32(TRIB_ERR_INVALID))
    public static let noMemory = Status(rawValue: Int32(TRIB_ERR_NOMEM))
    public static let abi = Status(rawValue: Int32(TRIB_ERR_ABI))
    public static let config = Status(rawValue: Int32(TRIB_ERR_CONFIG))
    public static let denied = Status(rawValue: Int32(TRIB_ERR_DENIED))
    public static let unavailable = Status(rawValue: Int32(TRIB_ERR_UNAVAILABLE))
    public static let cancelled = Status(rawValue: Int32(TRIB_ERR_CANCELLED))
    public static let unsupported = Status(rawValue: Int32(TRIB_ERR_UNSUPPORTED))
    public static let internalError = Status(rawValue: Int32(TRIB_ERR_INTERNAL))
    public static let rejected = Status(rawValue: Int32(TRIB_ERR_REJECTED))
    public static let unauthenticated = Status(rawValue: Int32(TRIB_ERR_UNAUTHENTICATED))
    public static let notFound = Status(rawValue: Int32(TRIB_ERR_NOT_FOUND))

    /// Negative codes are failures; the header promises that never changes.
    public var isFailure: Bool { rawValue < 0 }

    /// Maps codes this build does not know to `internalError`, as the header requires of readers.
    public var normalized: Status {
        (Int32(TRIB_ERR_NOT_FOUND)...Int32(TRIB_BUSY)).contains(rawValue) ? self : .internalError
    }

    public var description: String {
        switch self {
        case .ok: "ok"
        case .pending: "pending"
        case .defer: "defer"
        case .retry: "retry"
        case .busy: "busy"
        case .invalid: "invalid"
        case .noMemory: "no memory"
        case .abi: "abi mismatch"
        case .config: "config refused"
        case .denied: "denied"
        case .unavailable: "unavailable"
        case .cancelled: "cancelled"
        case .unsupported: "unsupported"
        case .internalError: "internal error"
        case .rejected: "rejected"
        case .unauthenticated: "unauthenticated"
        case .notFound: "not found"
        default: "status \(rawValue)"
        }
    }
}
