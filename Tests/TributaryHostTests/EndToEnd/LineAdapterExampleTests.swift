import Foundation
import TestSupport
import XCTest

/// The C example adapter (`PluginAPI/Examples/line-adapter`), built by `cc` from the header alone
/// and run in the real host with the registry-file authenticator and a recording sink, driven by
/// a TCP client the way a device would.
final class LineAdapterExampleTests: XCTestCase {
    private static let source = "PluginAPI/Examples/line-adapter/line_adapter.c"

    func testAGoodLineIsPublishedAndAnsweredOKAndAWrongPasswordIsRefused() throws {
        let library = try Fixtures.library(Self.source)
        let host = try AdapterTestHost(label: "line") { _ in
            "plugin = \"\(library)\"\naddress = \"127.0.0.1:0\"\nmax_line_bytes = 256\nmax_connections = 1\n"
        }
        let port = try host.port("lines")
        XCTAssertTrue(host.process.output.contains("[line] lines listening on 127.0.0.1:\(port)"), host.process.output)
        XCTAssertEqual(try XCTUnwrap(host.process.admin("/listeners")).body,
                       "[{\"instance\":\"line\",\"label\":\"lines\",\"address\":\"127.0.0.1:\(port)\"}]\n")
        let device = try LineClient(port: port)
        XCTAssertEqual(try device.send("app device-1 secret telemetry {\"temp\": 21}"), "OK")
        XCTAssertEqual(try device.send("app device-1 wrong telemetry {\"temp\": 22}"), "ERR unauthenticated")
        XCTAssertEqual(try device.send("app device-1 secret"), "ERR malformed line: want <application> <device> <password> <channel> <payload>")

        let events = host.events
        XCTAssertEqual(events.count, 1, "only the authenticated line became an event: \(events)")
        let event = try XCTUnwrap(events.first)
        XCTAssertEqual(event["source"] as? String, "drogue://app/device%2D1")
        XCTAssertEqual(event["subject"] as? String, "telemetry")
        XCTAssertEqual(event["application"] as? String, "app")
        XCTAssertEqual(event["device"] as? String, "device-1")
        XCTAssertEqual(event["datacontenttype"] as? String, "application/json")
        XCTAssertEqual((event["data"] as? [String: Any])?["temp"] as? Int, 21)

        let metrics = try XCTUnwrap(host.process.admin("/metrics")).body
        XCTAssertTrue(metrics.contains("tributary_plugin_line_adapter_lines_ok_total{instance=\"line\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("tributary_plugin_line_adapter_connections{instance=\"line\"} 1"), metrics)

        let second = try LineClient(port: port)
        XCTAssertEqual(try second.readLine(), "ERR too many connections", "max_connections = 1")
        XCTAssertNil(try second.readLine(), "and the refused connection is closed")

        XCTAssertEqual(try device.send(String(repeating: "x", count: 300)), "ERR line too long")
        XCTAssertNil(try device.readLine(), "an oversize line closes its connection")
        XCTAssertEqual(host.process.terminate(), 0, host.process.output)
    }

    /// SIGTERM while a line waits for a slow sink: drain lets the line finish, so the device
    /// hears its outcome before the connection closes, and the host still exits cleanly.
    func testALineInFlightAtShutdownIsAnsweredBeforeTheConnectionCloses() throws {
        let library = try Fixtures.library(Self.source)
        let host = try AdapterTestHost(label: "line", sink: "delay_ms = 1500\n") { _ in
            "plugin = \"\(library)\"\naddress = \"127.0.0.1:0\"\n"
        }
        let device = try LineClient(port: try host.port("lines"))
        try device.write("app device-1 secret telemetry {\"temp\": 23}")
        // In flight: the sink holds it (for 1.5 s) before SIGTERM comes.
        XCTAssertTrue(Fixtures.waitUntil { host.process.metric("tributary_sink_queue_depth{instance=\"sink\"}") == 1 }, host.process.output)
        host.process.process.terminate()
        XCTAssertEqual(try device.readLine(), "OK", "the sink took it 1.5 s later, within the drain")
        XCTAssertNil(try device.readLine(), "then the connection closes")
        XCTAssertEqual(host.process.terminate(), 0, host.process.output)
        XCTAssertEqual(host.events.count, 1)
    }

    func testCheckRefusesAnUnknownKeyWithItsLineAndBindsNothing() throws {
        let dir = Fixtures.temporaryDirectory("line-check")
        let holder = try PortHolder()
        try writeDropIns(dir, ["40-line.conf": "plugin = \"\(try Fixtures.library(Self.source))\"\naddress = \"127.0.0.1:\(holder.port)\"\nport = 7070\n"])
        let refused = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--state-dir", dir + "/state"])
        XCTAssertEqual(refused.status, 1, refused.output)
        XCTAssertTrue(refused.output.contains("40-line.conf: line-adapter refused its configuration: line 3: unknown key 'port'"), refused.output)

        // A good set passes while another socket holds the port: on_instance_new must not bind.
        try writeDropIns(dir, ["40-line.conf": "plugin = \"\(try Fixtures.library(Self.source))\"\naddress = \"127.0.0.1:\(holder.port)\"\n"])
        let passed = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--state-dir", dir + "/state"])
        XCTAssertEqual(passed.status, 0, passed.output)
        holder.close()
    }
}

/// A blocking TCP client that sends lines and reads answer lines (5 s timeout per read).
private final class LineClient {
    private let fd: Int32
    private var buffered: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in.loopback(port: port)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw FixtureError("connect to 127.0.0.1:\(port) failed: errno \(errno)") }
    }

    deinit { Glibc.close(fd) }

    /// Sends `line` and a newline, and returns the answer line.
    func send(_ line: String) throws -> String? {
        try write(line)
        return try readLine()
    }

    /// Sends `line` and a newline without waiting for the answer.
    func write(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw FixtureError("send failed: errno \(errno)")
        }
    }

    /// The next line without its newline, or nil when the server closed the connection.
    func readLine() throws -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 512)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 || (n < 0 && errno == ECONNRESET) { return nil }
            guard n > 0 else { throw FixtureError("no answer within 5 s (errno \(errno))") }
            buffered += chunk[..<n]
        }
    }
}

extension sockaddr_in {
    fileprivate static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return addr
    }
}
