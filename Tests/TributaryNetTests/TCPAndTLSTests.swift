import Foundation
import Glibc
import Synchronization
import TestSupport
import XCTest
@testable import TributaryNet

/// Echoes what it receives; records the peer chain it saw.
final class EchoHandler: StreamHandler, @unchecked Sendable {
    static let chains = Mutex<[[[UInt8]]]>([])

    func streamReceived(_ stream: any ByteStream, _ bytes: UnsafeRawBufferPointer) {
        if !stream.peerCertificates.isEmpty { EchoHandler.chains.withLock { $0.append(stream.peerCertificates) } }
        stream.write(bytes)
    }

    func streamClosed(_ stream: any ByteStream) {}
}

final class TCPAndTLSTests: XCTestCase {
    private func run(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testPlainTCPEchoesAcrossLoops() throws {
        let group = try EventLoopGroup(name: "test", count: 2)
        defer { group.stop() }
        let listener = try TCPListener(address: "127.0.0.1:0", group: group) { connection in
            connection.handler = EchoHandler()
        }
        listener.start()
        defer { listener.stop() }
        for round in 0..<4 {
            let reply = try run("printf 'hello %s' \(round) | timeout 5 python3 -c \"import socket,sys; s=socket.create_connection(('127.0.0.1', \(listener.port))); s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR); print(s.recv(100).decode())\"")
            XCTAssertEqual(reply.trimmingCharacters(in: .whitespacesAndNewlines), "hello \(round)")
        }
    }

    func testTLSEchoWithClientCertificate() throws {
        let pki = try TestPKI()
        let ca = try pki.authority("ca", subject: "/CN=Test CA")
        let server = try pki.server("server", issuer: ca)
        let client = try pki.client("client", subject: "/O=Example/CN=device1", issuer: ca)
        let context = try TLSContext(server: TLSServerConfiguration(certificateFile: server.certificatePath, privateKeyFile: server.keyPath,
                                                                    requestClientCertificate: true))
        let group = try EventLoopGroup(name: "tls", count: 1)
        defer { group.stop() }
        let listener = try TCPListener(address: "127.0.0.1:0", group: group) { connection in
            guard let stream = try? TLSStream(transport: connection, context: context) else { return connection.close() }
            stream.handler = EchoHandler()
        }
        listener.start()
        defer { listener.stop() }
        let reply = try run("(printf 'secret'; sleep 1) | timeout 5 openssl s_client -quiet -verify_return_error -CAfile \(ca.certificatePath) -cert \(client.certificatePath) -key \(client.keyPath) -connect 127.0.0.1:\(listener.port) -servername localhost 2>/dev/null")
        XCTAssertEqual(reply, "secret")
        let chains = EchoHandler.chains.withLock { $0 }
        XCTAssertEqual(chains.last?.first, client.der, "the leaf comes first")
    }

    func testTLSRefusesOldProtocolVersions() throws {
        let pki = try TestPKI()
        let ca = try pki.authority("ca", subject: "/CN=Test CA")
        let server = try pki.server("server", issuer: ca)
        let context = try TLSContext(server: TLSServerConfiguration(certificateFile: server.certificatePath, privateKeyFile: server.keyPath))
        let group = try EventLoopGroup(name: "tls-old", count: 1)
        defer { group.stop() }
        let listener = try TCPListener(address: "127.0.0.1:0", group: group) { connection in
            guard let stream = try? TLSStream(transport: connection, context: context) else { return connection.close() }
            stream.handler = EchoHandler()
        }
        listener.start()
        defer { listener.stop() }
        // The client is allowed TLS 1.1 (security level 0), so the refusal is the server's.
        let old = try run("echo | timeout 5 openssl s_client -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' -connect 127.0.0.1:\(listener.port) 2>&1")
        XCTAssertTrue(old.contains("alert protocol version"), old)
        let current = try run("echo | timeout 5 openssl s_client -tls1_3 -CAfile \(ca.certificatePath) -connect 127.0.0.1:\(listener.port) 2>&1")
        XCTAssertTrue(current.contains("TLSv1.3"), current)
    }
}

final class UDPAndTimerTests: XCTestCase {
    func testUDPEchoAndTimersRunOnTheLoop() throws {
        let loop = try EventLoop(name: "udp")
        loop.start()
        defer { loop.stop() }
        let socket = try UDPSocket(address: "127.0.0.1:0", on: loop)
        let fired = Atomic<Int>(0)
        let settled = Atomic<Bool>(false)
        loop.execute {
            try? socket.start { socket, datagram, from in socket.send(datagram, to: from) }
            loop.scheduleTimer(afterMilliseconds: 20) { fired.add(1, ordering: .relaxed) }
            let cancelled = loop.scheduleTimer(afterMilliseconds: 10) { fired.add(100, ordering: .relaxed) }
            loop.cancelTimer(cancelled)
            // Timers fire in deadline order: once this one has, the other two have had their turn.
            loop.scheduleTimer(afterMilliseconds: 30) { settled.store(true, ordering: .releasing) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5); s.sendto(b'ping', ('127.0.0.1', \(socket.address.port))); print(s.recvfrom(100)[0].decode())"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let reply = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(reply.trimmingCharacters(in: .whitespacesAndNewlines), "ping")
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) { settled.load(ordering: .acquiring) })
        XCTAssertEqual(fired.load(ordering: .relaxed), 1, "the cancelled timer never fired")
        let closed = Atomic<Bool>(false)
        loop.execute { socket.close(); closed.store(true, ordering: .relaxed) }
        while !closed.load(ordering: .relaxed) { usleep(1_000) }
    }
}

final class TCPConnectorTests: XCTestCase {
    private func connect(_ host: String, _ port: UInt16, on loop: EventLoop) -> Result<String, IOError> {
        let result = Mutex<Result<String, IOError>?>(nil)
        TCPConnector.connect(host: host, port: port, on: loop, timeoutMilliseconds: 2_000) { outcome in
            result.withLock { $0 = outcome.map { connection in
                defer { connection.close(immediately: true) }
                return connection.remoteAddress
            } }
        }
        let deadline = Date().addingTimeInterval(5)
        while result.withLock({ $0 }) == nil && Date() < deadline { usleep(2_000) }
        return result.withLock { $0 } ?? .failure(IOError("no answer", errno: ETIMEDOUT))
    }

    func testConnectsByNameAndReportsRefusal() throws {
        let group = try EventLoopGroup(name: "connect", count: 1)
        defer { group.stop() }
        let listener = try TCPListener(address: "127.0.0.1:0", group: group) { $0.handler = EchoHandler() }
        listener.start()
        XCTAssertTrue(try connect("localhost", listener.port, on: group.loops[0]).get().hasSuffix(":\(listener.port)"))
        let port = listener.port
        listener.stop()
        guard case .failure(let error) = connect("127.0.0.1", port, on: group.loops[0]) else { return XCTFail("connected to a closed port") }
        XCTAssertEqual(error.errno, ECONNREFUSED)
    }
}
