/// A message code, `c.dd` (RFC 7252 section 3): class 0 is a request method (0.00 the Empty
/// message), 2 success, 4 client error, 5 server error; classes 1, 6 and 7 are reserved.
public struct CoAPCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `codeClass` 0...7, `detail` 0...31.
    public init(_ codeClass: UInt8, _ detail: UInt8) {
        precondition(codeClass < 8 && detail < 32, "CoAP code \(codeClass).\(detail) out of range")
        rawValue = codeClass << 5 | detail
    }

    public var codeClass: UInt8 { rawValue >> 5 }
    public var detail: UInt8 { rawValue & 0x1F }

    public var isEmpty: Bool { rawValue == 0 }
    public var isRequest: Bool { codeClass == 0 && detail != 0 }
    public var isResponse: Bool { codeClass == 2 || codeClass == 4 || codeClass == 5 }
    /// Classes 1, 6 and 7: a confirmable message carrying one is rejected (section 4.2).
    public var isReserved: Bool { codeClass == 1 || codeClass >= 6 }

    /// "2.05", as the RFC writes codes.
    public var description: String {
        let detail = self.detail
        return "\(codeClass).\(detail < 10 ? "0" : "")\(detail)"
    }

    public static let empty = CoAPCode(0, 0)
    public static let get = CoAPCode(0, 1)
    public static let post = CoAPCode(0, 2)
    public static let put = CoAPCode(0, 3)
    public static let delete = CoAPCode(0, 4)

    public static let created = CoAPCode(2, 1)
    public static let deleted = CoAPCode(2, 2)
    public static let valid = CoAPCode(2, 3)
    public static let changed = CoAPCode(2, 4)
    public static let content = CoAPCode(2, 5)
    /// RFC 7959: a Block1 block was taken, send the next.
    public static let `continue` = CoAPCode(2, 31)

    public static let badRequest = CoAPCode(4, 0)
    public static let unauthorized = CoAPCode(4, 1)
    public static let badOption = CoAPCode(4, 2)
    public static let forbidden = CoAPCode(4, 3)
    public static let notFound = CoAPCode(4, 4)
    public static let methodNotAllowed = CoAPCode(4, 5)
    public static let notAcceptable = CoAPCode(4, 6)
    /// RFC 7959: a Block1 block arrived out of sequence, or the first is missing.
    public static let requestEntityIncomplete = CoAPCode(4, 8)
    public static let preconditionFailed = CoAPCode(4, 12)
    public static let requestEntityTooLarge = CoAPCode(4, 13)
    public static let unsupportedContentFormat = CoAPCode(4, 15)

    public static let internalServerError = CoAPCode(5, 0)
    public static let notImplemented = CoAPCode(5, 1)
    public static let badGateway = CoAPCode(5, 2)
    public static let serviceUnavailable = CoAPCode(5, 3)
    public static let gatewayTimeout = CoAPCode(5, 4)
}
