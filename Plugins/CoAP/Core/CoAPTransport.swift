import TributaryNet

/// How an endpoint's datagrams travel: plain UDP (`coap`), or DTLS over UDP (`coaps`), whose
/// datagrams arrive with what the peer's handshake proved. The endpoint's exchanges, blocks and
/// retransmissions are the same over both.
protocol CoAPTransport: AnyObject {
    var loop: EventLoop { get }
    var address: SocketAddress { get }
    /// `receive` gets each datagram (decrypted, for DTLS) with its sender; call on the loop.
    func startReceiving(_ receive: @escaping (UnsafeRawBufferPointer, SocketAddress, DTLSPeerCredential?) -> Void) throws(IOError)
    func send(_ bytes: UnsafeRawBufferPointer, to peer: SocketAddress)
    /// Stops receiving and closes; call on the loop.
    func close()
}

extension UDPSocket: CoAPTransport {
    func startReceiving(_ receive: @escaping (UnsafeRawBufferPointer, SocketAddress, DTLSPeerCredential?) -> Void) throws(IOError) {
        try start { _, datagram, peer in receive(datagram, peer, nil) }
    }
}

extension DTLSSocket: CoAPTransport {
    func startReceiving(_ receive: @escaping (UnsafeRawBufferPointer, SocketAddress, DTLSPeerCredential?) -> Void) throws(IOError) {
        try start { plaintext, peer, credential in receive(plaintext, peer, credential) }
    }
}
