// libFuzzer target for MQTTDecoder, built by run-mqtt.sh from the MQTTCodec target.
//
// The first input byte configures the run, the rest is the byte stream of one connection:
//   bit 0     0 = server decoder (first packet must be CONNECT), 1 = client decoder
//   bit 1     the client decoder's version: 0 = 3.1.1, 1 = 5.0
//   bits 2-3  maximum packet size: 256 KiB, 64, 1 KiB or 16 KiB
//   bit 4     topic alias maximum 0 or 10
//   bits 5-7  seed of the split points
// The stream is appended in chunks of random sizes. Whatever the input, the decoder must not
// crash, must not return a packet larger than the maximum or buffer a partial packet that
// large, must answer errors with a packet the encoder accepts, and every packet it returns must
// encode to bytes that decode to the same packet.

#if canImport(Glibc)
import Glibc
#endif
@testable import MQTTCodec

/// Reports a failed check with its reason, which an optimised build's `precondition` would
/// drop, then aborts for libFuzzer to save the input.
private func fail(_ message: String) -> Never {
    fputs("MQTT fuzz check failed: \(message)\n", stderr)
    abort()
}

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

/// SplitMix64: deterministic, so a crash reproduces from its input alone.
private struct SplitPoints {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }

    /// Mostly small chunks, which split fields, sometimes large ones, which batch packets.
    mutating func chunkSize() -> Int {
        let value = next()
        return value & 7 == 0 ? Int(value &>> 8 % 8192) + 1 : Int(value &>> 8 % 16) + 1
    }
}

private func makeDecoder(_ control: UInt8, maximumPacketSize: Int) -> MQTTDecoder {
    let topicAliasMaximum: UInt16 = control & 0x10 == 0 ? 0 : 10
    if control & 0x01 == 0 {
        return MQTTDecoder(maximumPacketSize: maximumPacketSize, topicAliasMaximum: topicAliasMaximum)
    }
    return MQTTDecoder(
        clientVersion: control & 0x02 == 0 ? .v3_1_1 : .v5, maximumPacketSize: maximumPacketSize,
        topicAliasMaximum: topicAliasMaximum)
}

/// Exercises topic matching on what a stream subscribes and publishes, for crashes only.
private func matchTopics(_ packets: [MQTTPacket]) {
    var filters: [String] = []
    var topics: [String] = []
    for packet in packets {
        switch packet {
        case .subscribe(let subscribe):
            for subscription in subscribe.subscriptions {
                check(MQTTTopic.isValidFilter(subscription.filter), "decoded an invalid filter")
                filters.append(MQTTTopic.sharedSubscription(subscription.filter)?.filter ?? subscription.filter)
            }
        case .publish(let publish) where !publish.topic.isEmpty:
            check(MQTTTopic.isValidName(publish.topic), "decoded an invalid topic name")
            topics.append(publish.topic)
        default:
            break
        }
    }
    for filter in filters.prefix(16) {
        for topic in topics.prefix(16) {
            _ = MQTTTopic.matches(filter: filter, topic: topic)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func mqttDecoderFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let control = data[0]
    let stream = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let maximumPacketSize = [MQTTDecoder.defaultMaximumPacketSize, 64, 1024, 16_384][Int(control &>> 2 & 0x03)]
    var decoder = makeDecoder(control, maximumPacketSize: maximumPacketSize)
    var splits = SplitPoints(seed: UInt64(control &>> 5) &* 0x1_0000_0001 ^ UInt64(size))

    var packets: [MQTTPacket] = []
    var reencoded: [UInt8] = []
    var offset = 0
    feeding: while offset < stream.count {
        let end = min(stream.count, offset + splits.chunkSize())
        decoder.append(UnsafeRawBufferPointer(rebasing: stream[offset..<end]))
        offset = end
        while true {
            let buffered = decoder.bufferedByteCount
            let packet: MQTTPacket?
            do throws(MQTTDecodeError) {
                packet = try decoder.next()
            } catch {
                _ = error.reasonCode
                if let reply = decoder.reply(to: error) {
                    var bytes: [UInt8] = []
                    MQTTEncoder(version: reply.version).encode(reply.packet, into: &bytes)
                }
                break feeding
            }
            guard let packet else {
                // What waits is part of one packet, smaller than the packet and so the maximum.
                check(decoder.bufferedByteCount < maximumPacketSize, "buffered a partial packet over the maximum")
                break
            }
            let consumed = buffered - decoder.bufferedByteCount
            check(consumed <= maximumPacketSize, "returned a packet of \(consumed) bytes over \(maximumPacketSize)")
            guard let version = decoder.version else { fail("a packet before the version is known") }
            MQTTEncoder(version: version).encode(packet, into: &reencoded)
            packets.append(packet)
        }
    }

    matchTopics(packets)
    // What came out must go back in: the encoder's bytes decode to the very same packets.
    var mirror = makeDecoder(control, maximumPacketSize: Int.max)
    var again: [MQTTPacket] = []
    do throws(MQTTDecodeError) {
        reencoded.withUnsafeBytes { mirror.append($0) }
        while let packet = try mirror.next() { again.append(packet) }
    } catch {
        fail("re-encoded packets do not decode: \(error)")
    }
    check(again == packets, "re-encoded packets decode differently")
    check(mirror.bufferedByteCount == 0, "re-encoded packets leave bytes over")
    return 0
}
