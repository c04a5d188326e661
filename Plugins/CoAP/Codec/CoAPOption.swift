import TributarySDK

/// One option of a message: its number and raw value.
public struct CoAPOption: Hashable, Sendable {
    public var number: CoAPOptionNumber
    public var value: [UInt8]

    public init(_ number: CoAPOptionNumber, _ value: [UInt8]) {
        self.number = number
        self.value = value
    }

    /// A `uint` option in its shortest form: no bytes for zero, no leading zero bytes.
    public init(_ number: CoAPOptionNumber, uint: UInt32) {
        self.number = number
        var bytes: [UInt8] = []
        var rest = uint
        while rest != 0 {
            bytes.insert(UInt8(truncatingIfNeeded: rest), at: 0)
            rest >>= 8
        }
        value = bytes
    }

    public init(_ number: CoAPOptionNumber, string: String) {
        self.number = number
        value = Array(string.utf8)
    }

    /// The value as an unsigned integer (big-endian, any length up to four bytes, leading zeros
    /// allowed on input as section 3.2 asks); nil when longer.
    public var uintValue: UInt32? {
        guard value.count <= 4 else { return nil }
        return value.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The value as text; nil when it is not UTF-8 (strings are Net-Unicode, RFC 5198).
    public var stringValue: String? {
        guard value.withUnsafeBytes({ UTF8Validation.isValid($0) }) else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    /// Whether the value has the length the option's format allows (unknown options: any).
    public var hasValidLength: Bool {
        guard let format = number.format else { return true }
        return format.lengths.contains(value.count)
    }
}
