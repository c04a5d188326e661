/// The little of DTLS 1.2's record layer (RFC 6347 section 4.1) the server reads itself, before
/// OpenSSL does: whether a datagram opens a handshake, and the PSK identity in a client's key
/// exchange (RFC 4279 section 2), so the key is looked up without blocking the loop. Everything
/// else about a record is OpenSSL's to check.
enum DTLSRecords {
    private static let recordHeader = 13
    private static let handshakeHeader = 12
    private static let handshakeContent: UInt8 = 22
    private static let clientHello: UInt8 = 1
    private static let clientKeyExchange: UInt8 = 16

    /// Whether the first record is an unencrypted (epoch 0) ClientHello.
    static func opensHandshake(_ datagram: UnsafeRawBufferPointer) -> Bool {
        guard datagram.count >= recordHeader + handshakeHeader, datagram[0] == handshakeContent,
              datagram[3] == 0, datagram[4] == 0 else { return false }
        return datagram[recordHeader] == clientHello
    }

    /// The `psk_identity` of an unfragmented epoch-0 ClientKeyExchange in the datagram (PSK,
    /// DHE_PSK and ECDHE_PSK all begin with it); nil when there is none or it is not UTF-8.
    static func pskIdentity(in datagram: UnsafeRawBufferPointer) -> String? {
        var offset = 0
        while offset + recordHeader <= datagram.count {
            let length = Int(datagram[offset + 11]) << 8 | Int(datagram[offset + 12])
            let body = offset + recordHeader
            guard body + length <= datagram.count else { return nil }
            if datagram[offset] == handshakeContent, datagram[offset + 3] == 0, datagram[offset + 4] == 0,
               length >= handshakeHeader + 2, datagram[body] == clientKeyExchange,
               datagram[body + 6] == 0, datagram[body + 7] == 0, datagram[body + 8] == 0 {
                let identity = body + handshakeHeader
                let size = Int(datagram[identity]) << 8 | Int(datagram[identity + 1])
                guard identity + 2 + size <= body + length else { return nil }
                return String(validating: datagram[(identity + 2)..<(identity + 2 + size)], as: UTF8.self)
            }
            offset = body + length
        }
        return nil
    }
}
