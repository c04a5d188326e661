import CoAPCodec
import TributaryNet

/// Names a block-wise transfer (RFC 7959 section 2.5): the same peer and the same request options
/// but the block options, since the message ID and the token may change from block to block.
/// The credentials are part of it, so only their holder continues a transfer.
enum CoAPTransferKey {
    private static let blockOptions: Set<CoAPOptionNumber> = [.block1, .block2, .size1, .size2]

    static func of(peer: SocketAddress, _ message: CoAPMessage) -> String {
        var key = peer.description + "|\(message.code.rawValue)"
        for option in message.options where !blockOptions.contains(option.number) {
            key += "|\(option.number.rawValue)=" + String(decoding: option.value, as: UTF8.self)
        }
        return key
    }
}
