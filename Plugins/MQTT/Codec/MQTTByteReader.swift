#if canImport(Glibc)
import Glibc
#endif
#if canImport(TributarySDK)
// The fuzz script compiles UTF8Validation.swift into this module instead.
import TributarySDK
#endif

/// Bounds-checked reads over the bytes of one packet, in the habit of Mosquitto's
/// packet_datatypes.c: every read checks that what it needs is left before it touches memory,
/// and throws rather than reading past the packet.
///
/// It borrows the bytes: it lives only inside the decoder's `withUnsafeBytes`, and what it
/// returns as raw buffers points into them.
struct MQTTByteReader {
    private let base: UnsafeRawPointer?
    private(set) var position: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        position = 0
        end = bytes.count
    }

    var remaining: Int { end &- position }
    var isAtEnd: Bool { position == end }

    mutating func readByte() throws(MQTTDecodeError) -> UInt8 {
        guard position < end, let base else { throw .unexpectedEndOfPacket }
        defer { position &+= 1 }
        return base.load(fromByteOffset: position, as: UInt8.self)
    }

    mutating func readUInt16() throws(MQTTDecodeError) -> UInt16 {
        let bytes = try readBytes(2)
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
    }

    mutating func readUInt32() throws(MQTTDecodeError) -> UInt32 {
        let bytes = try readBytes(4)
        return UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    mutating func readVariableByteInteger() throws(MQTTDecodeError) -> UInt32 {
        guard position < end, let base else { throw .unexpectedEndOfPacket }
        guard let (value, length) = try Self.variableByteInteger(at: base + position, available: remaining) else {
            throw .unexpectedEndOfPacket
        }
        position &+= length
        return value
    }

    mutating func readBytes(_ count: Int) throws(MQTTDecodeError) -> UnsafeRawBufferPointer {
        guard count <= remaining else { throw .unexpectedEndOfPacket }
        guard count > 0, let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        defer { position &+= count }
        return UnsafeRawBufferPointer(start: base + position, count: count)
    }

    /// Two-byte length then that many bytes: the shape of strings and binary data (section 1.5).
    mutating func readLengthPrefixed() throws(MQTTDecodeError) -> UnsafeRawBufferPointer {
        try readBytes(Int(try readUInt16()))
    }

    /// A UTF-8 Encoded String (section 1.5.4) as bytes: well-formed UTF-8 without surrogates and
    /// without U+0000, else the packet is malformed. Control characters and non-characters are
    /// only a SHOULD NOT in the specification, so they pass.
    mutating func readUTF8() throws(MQTTDecodeError) -> UnsafeRawBufferPointer {
        let bytes = try readLengthPrefixed()
        guard Self.isValidString(bytes) else { throw .invalidUTF8String }
        return bytes
    }

    mutating func readString() throws(MQTTDecodeError) -> String {
        String(decoding: try readUTF8(), as: UTF8.self)
    }

    mutating func readBinary() throws(MQTTDecodeError) -> [UInt8] {
        Array(try readLengthPrefixed())
    }

    /// Everything up to the end of the packet (a PUBLISH payload, a list of reason codes).
    mutating func readRest() -> UnsafeRawBufferPointer {
        guard remaining > 0, let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        defer { position = end }
        return UnsafeRawBufferPointer(start: base + position, count: remaining)
    }

    /// A reader over the next `length` bytes, which this reader skips: property lists are read
    /// through one so that no property can reach past its declared length.
    mutating func subReader(length: Int) throws(MQTTDecodeError) -> MQTTByteReader {
        MQTTByteReader(try readBytes(length))
    }

    func expectEnd() throws(MQTTDecodeError) {
        guard isAtEnd else { throw .trailingBytes }
    }

    /// Decodes a Variable Byte Integer (section 1.5.5) from at most `available` bytes. Returns
    /// the value and its length, or nil when the bytes end before the integer does. More than
    /// four bytes, or a longer encoding than the value needs, is malformed.
    static func variableByteInteger(
        at pointer: UnsafeRawPointer, available: Int
    ) throws(MQTTDecodeError) -> (value: UInt32, length: Int)? {
        var value: UInt32 = 0
        var index = 0
        while index < 4 {
            guard index < available else { return nil }
            let byte = pointer.load(fromByteOffset: index, as: UInt8.self)
            value |= UInt32(byte & 0x7F) &<< UInt32(7 &* index)
            index &+= 1
            if byte & 0x80 == 0 {
                // A final 0x00 after a continuation byte adds nothing: an overlong encoding.
                guard byte != 0 || index == 1 else { throw .malformedVariableByteInteger }
                return (value, index)
            }
        }
        throw .malformedVariableByteInteger
    }

    /// Well-formed UTF-8 (no surrogates, nothing above U+10FFFF) and no U+0000: the two MUSTs
    /// of section 1.5.4 (MQTT 5.0) and 1.5.3 (MQTT 3.1.1).
    static func isValidString(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return true }
        return UTF8Validation.isValid(bytes) && memchr(start, 0, bytes.count) == nil
    }
}
