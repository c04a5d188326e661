// libFuzzer target for WebSocketFrameDecoder (both roles) and WebSocketMessageAssembler.
// Build and run with Tests/Fuzz/run.sh.

#if !FUZZ_FROM_SOURCE
@testable import WebSocketCodec
#endif

extension WebSocketFrameDecoder: FuzzedDecoder {}

private let maxFrameSize = 1024
private let maxMessageSize = 2048

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    for role in [WebSocketFrameDecoder.Role.server, .client] {
        let frames = decodeBothWays(input, { WebSocketFrameDecoder(role: role, maxFrameSize: maxFrameSize) }) { decoder in
            precondition(decoder.bufferedByteCount <= size, "counted bytes that never arrived")
        }
        var assembler = WebSocketMessageAssembler(maxMessageSize: maxMessageSize)
        for frame in frames.messages {
            checkFrame(frame, role: role)
            do {
                if let event = try assembler.assemble(frame) { checkEvent(event) }
            } catch {
                break
            }
        }
    }
    return 0
}

/// A decoded frame obeys RFC 6455's rules and the size limit, and re-encodes to itself.
private func checkFrame(_ frame: WebSocketFrame, role: WebSocketFrameDecoder.Role) {
    precondition(frame.payload.count <= maxFrameSize, "frame over the limit")
    precondition(!frame.rsv1 && !frame.rsv2 && !frame.rsv3, "reserved bits accepted")
    if frame.opcode.isControl { precondition(frame.fin && frame.payload.count <= 125, "invalid control frame accepted") }
    var wire: [UInt8] = []
    WebSocketFrameEncoder.encode(frame, maskingKey: role == .server ? [0x12, 0x34, 0x56, 0x78] : nil, into: &wire)
    let again = decodeOnly(wire, with: WebSocketFrameDecoder(role: role, maxFrameSize: maxFrameSize))
    precondition(again == frame, "frame changed in a round trip")
}

private func checkEvent(_ event: WebSocketEvent) {
    switch event {
    case .text(let text): precondition(text.utf8.count <= maxMessageSize, "message over the limit")
    case .binary(let bytes): precondition(bytes.count <= maxMessageSize, "message over the limit")
    case .ping(let bytes), .pong(let bytes): precondition(bytes.count <= 125, "control payload over 125 bytes")
    case .close(let code, let reason):
        precondition(code.map(WebSocketMessageAssembler.isValidCloseCode) ?? reason.isEmpty, "invalid close accepted")
    }
}
