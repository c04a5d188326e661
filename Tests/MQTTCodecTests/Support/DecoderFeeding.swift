import XCTest

@testable import MQTTCodec

/// How a test hands bytes to a decoder: all at once, or one byte per `append` so that every
/// field is split at every possible point (the drip feed of swift-nio's ByteToMessageDecoderVerifier).
enum Feed: CaseIterable {
    case whole
    case byteByByte
}

extension MQTTDecoder {
    /// Appends `bytes` the way `feed` says and returns every packet they complete.
    mutating func decode(_ bytes: [UInt8], feed: Feed = .whole) throws(MQTTDecodeError) -> [MQTTPacket] {
        var packets: [MQTTPacket] = []
        switch feed {
        case .whole:
            bytes.withUnsafeBytes { append($0) }
            while let packet = try next() { packets.append(packet) }
        case .byteByByte:
            for index in bytes.indices {
                bytes[index...index].withUnsafeBytes { append($0) }
                while let packet = try next() { packets.append(packet) }
            }
        }
        return packets
    }
}

extension MQTTEncoder {
    func bytes(_ packets: [MQTTPacket]) -> [UInt8] {
        var buffer: [UInt8] = []
        for packet in packets { encode(packet, into: &buffer) }
        return buffer
    }
}

/// A minimal CONNECT, what a server decoder needs before anything else.
func connect(_ version: MQTTProtocolVersion) -> MQTTPacket {
    .connect(MQTTPacket.Connect(protocolVersion: version, clientID: "c"))
}

/// A server decoder that has accepted `connect(version)`.
func connectedServer(
    _ version: MQTTProtocolVersion, maximumPacketSize: Int = MQTTDecoder.defaultMaximumPacketSize,
    topicAliasMaximum: UInt16 = 0
) -> MQTTDecoder {
    var decoder = MQTTDecoder(maximumPacketSize: maximumPacketSize, topicAliasMaximum: topicAliasMaximum)
    XCTAssertEqual(try decoder.decode(MQTTEncoder(version: version).bytes([connect(version)])).count, 1)
    return decoder
}

/// Encodes `packets`, decodes them with a fresh `makeDecoder()` fed whole and byte by byte, and
/// checks that the same packets come back (or `expected`, where the version drops fields).
func assertRoundTrip(
    _ packets: [MQTTPacket], version: MQTTProtocolVersion, makeDecoder: () -> MQTTDecoder,
    expected: [MQTTPacket]? = nil, file: StaticString = #filePath, line: UInt = #line
) {
    let bytes = MQTTEncoder(version: version).bytes(packets)
    for feed in Feed.allCases {
        var decoder = makeDecoder()
        do {
            let decoded = try decoder.decode(bytes, feed: feed)
            XCTAssertEqual(decoded, expected ?? packets, "\(version) \(feed)", file: file, line: line)
            XCTAssertEqual(decoder.bufferedByteCount, 0, file: file, line: line)
        } catch {
            XCTFail("\(version) \(feed): \(error)", file: file, line: line)
        }
    }
}

/// Checks that `bytes` fail with `expected` and the reason code `reason`, fed whole and byte by
/// byte, each time to a fresh `makeDecoder()`; returns the last decoder for further checks.
@discardableResult
func assertDecodeFails(
    _ bytes: [UInt8], _ expected: MQTTDecodeError, reason: MQTTReasonCode, makeDecoder: () -> MQTTDecoder,
    file: StaticString = #filePath, line: UInt = #line
) -> MQTTDecoder {
    var decoder = makeDecoder()
    for feed in Feed.allCases {
        decoder = makeDecoder()
        do throws(MQTTDecodeError) {
            let packets = try decoder.decode(bytes, feed: feed)
            XCTFail("\(feed): decoded \(packets) instead of failing with \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, "\(feed)", file: file, line: line)
            XCTAssertEqual(error.reasonCode, reason, "\(feed)", file: file, line: line)
        }
    }
    return decoder
}

/// Parses a hex dump ("10 1a 00 04", spaces optional) into bytes.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    precondition(digits.count.isMultiple(of: 2), "odd number of hex digits")
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

extension MQTTProperties {
    /// Properties set up by `configure`, for building packets inline.
    static func with(_ configure: (inout MQTTProperties) -> Void) -> MQTTProperties {
        var properties = MQTTProperties()
        configure(&properties)
        return properties
    }
}
