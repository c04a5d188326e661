/// An option number (RFC 7252 section 5.4.6 and 12.2). The number's low bits say how a receiver
/// that does not know the option treats it: odd numbers are critical (a request with an
/// unrecognized critical option is answered 4.02), bit 1 marks options unsafe to forward.
public struct CoAPOptionNumber: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var isCritical: Bool { rawValue & 1 == 1 }
    public var isUnsafe: Bool { rawValue & 2 == 2 }
    public var isNoCacheKey: Bool { rawValue & 0x1E == 0x1C }

    public static let ifMatch = Self(1)
    public static let uriHost = Self(3)
    public static let eTag = Self(4)
    public static let ifNoneMatch = Self(5)
    /// RFC 7641.
    public static let observe = Self(6)
    public static let uriPort = Self(7)
    public static let locationPath = Self(8)
    public static let uriPath = Self(11)
    public static let contentFormat = Self(12)
    public static let maxAge = Self(14)
    public static let uriQuery = Self(15)
    public static let accept = Self(17)
    public static let locationQuery = Self(20)
    /// RFC 7959.
    public static let block2 = Self(23)
    public static let block1 = Self(27)
    public static let size2 = Self(28)
    public static let proxyURI = Self(35)
    public static let proxyScheme = Self(39)
    public static let size1 = Self(60)
    /// RFC 7967.
    public static let noResponse = Self(258)
    /// Drogue's credentials option: `Basic base64(user:pass)`, as the HTTP Authorization header.
    public static let authorization = Self(4209)
    /// Drogue's command option: the name of the command a 2.05 response carries.
    public static let command = Self(4210)

    /// What a known option's value is, and how long it may be (RFC 7252 table 4, RFC 7959 and
    /// 7641 and 7967, Drogue's two). A value outside its range is treated like an unrecognized
    /// option (section 5.4.3); nil for numbers this codec does not know.
    public var format: CoAPOptionFormat? { Self.formats[rawValue] }

    private static let formats: [UInt16: CoAPOptionFormat] = [
        1: .opaque(0...8), 3: .string(1...255), 4: .opaque(1...8), 5: .empty, 6: .uint(0...3), 7: .uint(0...2),
        8: .string(0...255), 11: .string(0...255), 12: .uint(0...2), 14: .uint(0...4), 15: .string(0...255),
        17: .uint(0...2), 20: .string(0...255), 23: .uint(0...3), 27: .uint(0...3), 28: .uint(0...4),
        35: .string(1...1034), 39: .string(1...255), 60: .uint(0...4), 258: .uint(0...1),
        4209: .string(1...1024), 4210: .string(0...255),
    ]

    /// Options that may occur more than once (table 4: If-Match, ETag, Location-*, Uri-Path,
    /// Uri-Query). A repeated non-repeatable option counts as unrecognized (section 5.4.5).
    public var isRepeatable: Bool {
        switch rawValue {
        case 1, 4, 8, 11, 15, 20: true
        default: false
        }
    }

    public var description: String { "\(rawValue)" }
}

/// The value format of an option (RFC 7252 section 3.2) with its allowed length in bytes.
public enum CoAPOptionFormat: Hashable, Sendable {
    case empty
    case opaque(ClosedRange<Int>)
    case uint(ClosedRange<Int>)
    case string(ClosedRange<Int>)

    public var lengths: ClosedRange<Int> {
        switch self {
        case .empty: 0...0
        case .opaque(let range), .uint(let range), .string(let range): range
        }
    }
}
