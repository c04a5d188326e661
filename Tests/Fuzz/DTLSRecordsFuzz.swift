/// libFuzzer target for the DTLS record reading the coap plugin does before OpenSSL does (on
/// datagrams from anyone): whether a datagram opens a handshake, and the PSK identity of a key
/// exchange. Nothing crashes or reads out of bounds, and an identity is never longer than the
/// datagram that carried it. Built with `DTLSRecords.swift` itself (it imports nothing), so its
/// code carries the harness's coverage instrumentation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDTLSRecords(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let datagram = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    _ = DTLSRecords.opensHandshake(datagram)
    if let identity = DTLSRecords.pskIdentity(in: datagram) {
        precondition(identity.utf8.count + 13 + 12 + 2 <= size, "an identity longer than its record")
    }
    return 0
}
