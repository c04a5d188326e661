import Foundation
import TestSupport
import XCTest

@testable import CoAPCodec

/// The codec against a real client, libcoap's `coap-client-notls` (Debian `libcoap3-bin`): its
/// datagrams decode to what it was asked to send, and it accepts the responses the encoder
/// writes, piggybacked and block by block.
final class CoAPClientInteropTests: XCTestCase {
    private static let client = "/usr/bin/coap-client-notls"

    /// A UDP socket on 127.0.0.1 standing in for the server, with a receive timeout.
    private final class Peer {
        let fd: Int32
        let port: UInt16
        private var client = sockaddr_in()

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
            port = UInt16(bigEndian: address.sin_port)
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        func receive() throws -> CoAPMessage {
            var buffer = [UInt8](repeating: 0, count: 2048)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let count = withUnsafeMutablePointer(to: &client) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
            }
            guard count > 0 else { throw POSIXError(.ETIMEDOUT) }
            return try CoAPDecoder.decode(Array(buffer[..<count]))
        }

        func send(_ message: CoAPMessage) {
            let bytes = CoAPEncoder.encode(message)
            _ = withUnsafePointer(to: &client) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.client), "\(Self.client) missing (make deps installs libcoap3-bin)")
    }

    func testTelemetryRequestAndPiggybackedCommand() throws {
        let peer = try Peer()
        let client = try BackgroundProcess(Self.client, [
            "-m", "post", "-t", "50", "-e", "{\"temp\":21}", "-O", "4209,Basic ZGV2aWNlMUBhcHA6c2VjcmV0", "-B", "5",
            "coap://127.0.0.1:\(peer.port)/v1/telemetry?application=app&device=device1",
        ])
        let request = try peer.receive()
        XCTAssertEqual(request.type, .confirmable)
        XCTAssertEqual(request.code, .post)
        XCTAssertEqual(request.uriPath, ["v1", "telemetry"])
        XCTAssertEqual(request.uriQuery, ["application=app", "device=device1"])
        XCTAssertEqual(request.contentFormat, 50)
        XCTAssertEqual(request.first(.authorization)?.stringValue, "Basic ZGV2aWNlMUBhcHA6c2VjcmV0")
        XCTAssertEqual(request.payload, Array("{\"temp\":21}".utf8))
        XCTAssertNil(request.unacceptableCriticalOption())

        peer.send(CoAPMessage(type: .acknowledgement, code: .content, messageID: request.messageID, token: request.token,
                              options: [CoAPOption(.command, string: "set-led")], payload: Array("on".utf8)))
        let result = client.wait(seconds: 10)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("on"), result.output)
    }

    /// A 300-byte body in 64-byte Block1 blocks, each answered 2.31 Continue until the last.
    func testBlockwiseUpload() throws {
        let body = (0..<300).map { UInt8(0x41 + $0 % 26) }
        let file = NSTemporaryDirectory() + "coap-block-\(UUID().uuidString)"
        try Data(body).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let peer = try Peer()
        let client = try BackgroundProcess(Self.client, ["-m", "put", "-b", "64", "-f", file, "-B", "10",
                                                         "coap://127.0.0.1:\(peer.port)/v1/upload"])
        var received: [UInt8] = []
        var blocks = 0
        while true {
            let request = try peer.receive()
            let block = try XCTUnwrap(request.block1 ?? nil, "every datagram carries a valid Block1")
            XCTAssertEqual(block.size, 64)
            XCTAssertEqual(block.offset, received.count, "blocks in order")
            received += request.payload
            blocks += 1
            var response = CoAPMessage(type: .acknowledgement, code: block.more ? .continue : .changed,
                                       messageID: request.messageID, token: request.token)
            response.add(block.option(.block1))
            peer.send(response)
            if !block.more { break }
        }
        XCTAssertEqual(blocks, 5)
        XCTAssertEqual(received, body)
        XCTAssertEqual(client.wait(seconds: 10).status, 0)
    }
}
