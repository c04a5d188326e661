// libFuzzer target for CoAPDecoder, built by run.sh with the CoAPCodec sources compiled in
// (FUZZ_FROM_SOURCE), so the decoder itself carries the coverage counters.
//
// The input is one datagram. Whatever it holds, decoding must not crash; an error must carry a
// Reset exactly when the datagram was a confirmable message with a readable header; a message
// must encode to the very bytes it came from (every delta and length has one encoding, and
// option values are kept as they came), and its accessors must not crash.

#if canImport(Glibc)
import Glibc
#endif
#if !FUZZ_FROM_SOURCE
@testable import CoAPCodec
#endif

/// Reports a failed check with its reason, which an optimised build's `precondition` would
/// drop, then aborts for libFuzzer to save the input.
private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    fputs("CoAP fuzz check failed: \(message())\n", stderr)
    abort()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func coapDecoderFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let datagram = Array(UnsafeBufferPointer(start: data, count: size))
    let message: CoAPMessage
    do throws(CoAPDecodeError) {
        message = try CoAPDecoder.decode(datagram)
    } catch {
        _ = error.description
        let confirmable = size >= 4 && datagram[0] >> 6 == 1 && datagram[0] >> 4 & 0x03 == 0
        check((error.reset != nil) == confirmable, "reset \(String(describing: error.reset)) for \(error)")
        if let reset = error.reset { _ = CoAPEncoder.encode(reset) }
        return 0
    }
    check(CoAPEncoder.encode(message) == datagram, "the message encodes to other bytes than it came from")
    _ = message.uriPath
    _ = message.uriQuery
    _ = message.contentFormat
    _ = message.block1
    _ = message.block2
    _ = message.unacceptableCriticalOption()
    for option in message.options { _ = (option.uintValue, option.stringValue, option.hasValidLength) }
    return 0
}
