/// The value of a Block1 or Block2 option (RFC 7959 section 2.2): block number, whether more
/// blocks follow, and the block size 2^(4+SZX) bytes, 16 to 1024.
public struct CoAPBlock: Hashable, Sendable, CustomStringConvertible {
    /// 0 ..< 2^20.
    public var number: UInt32
    public var more: Bool
    /// 0...6; 7 is reserved.
    public var sizeExponent: UInt8

    public static let maximumNumber: UInt32 = (1 << 20) - 1

    public init(number: UInt32, more: Bool, sizeExponent: UInt8) {
        precondition(number <= Self.maximumNumber && sizeExponent <= 6, "block \(number) SZX \(sizeExponent) out of range")
        self.number = number
        self.more = more
        self.sizeExponent = sizeExponent
    }

    /// Decodes an option value; nil when it is longer than three bytes or uses the reserved SZX 7
    /// (the receiver answers 4.00, section 2.2).
    public init?(optionValue: [UInt8]) {
        guard optionValue.count <= 3 else { return nil }
        let raw = optionValue.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let exponent = UInt8(raw & 0x07)
        guard exponent != 7 else { return nil }
        number = raw >> 4
        more = raw & 0x08 != 0
        sizeExponent = exponent
    }

    public var size: Int { 1 << (Int(sizeExponent) + 4) }

    /// Where the block starts in the whole body.
    public var offset: Int { Int(number) * size }

    /// The largest exponent whose block fits `bytes` (16 bytes at least).
    public static func sizeExponent(fitting bytes: Int) -> UInt8 {
        var exponent: UInt8 = 6
        while exponent > 0 && 1 << (Int(exponent) + 4) > bytes { exponent -= 1 }
        return exponent
    }

    /// The option carrying this value: `.block1` or `.block2`.
    public func option(_ number: CoAPOptionNumber) -> CoAPOption {
        CoAPOption(number, uint: self.number << 4 | (more ? 0x08 : 0) | UInt32(sizeExponent))
    }

    public var description: String { "\(number)/\(more ? 1 : 0)/\(size)" }
}
