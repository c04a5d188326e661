import Foundation
import Glibc
import TestSupport
import XCTest

/// What a service manager and a log collector see of the real binary: the systemd notification
/// protocol on a socket the test owns, and log lines a collector can split (logfmt) or parse
/// (JSON).
final class OperatorInterfaceTests: XCTestCase {
    private func hostDirectory(_ label: String) throws -> String {
        let dir = Fixtures.temporaryDirectory(label)
        try writeDropIns(dir, ["10-main.conf": "plugin = \"\(try Fixtures.fixture("recording_sink"))\"\npath = \"\(dir)/main.jsonl\"\n"])
        return dir
    }

    func testJSONLogLinesAreObjectsWithTimeLevelInstanceAndMessage() throws {
        let dir = try hostDirectory("log-json")
        let host = try HostProcess(directory: dir, extraArguments: ["--log-format", "json"])
        try host.waitUntilReady()
        XCTAssertEqual(host.terminate(), 0)
        let lines = host.output.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 3, host.output)
        for line in lines {
            let object = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], String(line))
            XCTAssertEqual(Set(object.keys), ["time", "level", "instance", "msg"], String(line))
        }
        XCTAssertTrue(host.output.contains(#""instance":"main","msg":"started sink recording-sink"#), host.output)
    }

    func testLogfmtLinesQuoteWhatNeedsIt() throws {
        let dir = try hostDirectory("log-logfmt")
        let host = try HostProcess(directory: dir, environment: ["TRIBUTARY_LOG_FORMAT": "logfmt"])
        try host.waitUntilReady()
        XCTAssertEqual(host.terminate(), 0)
        let pattern = try NSRegularExpression(pattern: #"^time=\S+ level=(error|warn|info|debug|trace) instance=\S+ msg=("([^"\\]|\\.)*"|\S+)$"#)
        for line in host.output.split(separator: "\n").map(String.init) {
            XCTAssertNotNil(pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)), line)
        }
        XCTAssertTrue(host.output.contains(#"level=info instance=main msg="started sink recording-sink"#), host.output)
    }

    func testAnUnknownLogFormatIsAConfigurationError() throws {
        let dir = try hostDirectory("log-bad")
        let result = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--log-format", "xml"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("log_format must be text, logfmt or json"), result.output)
    }

    func testNotifySocketHearsReadyReloadingAndStopping() throws {
        let dir = try hostDirectory("notify")
        let path = dir + "/notify.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func next() -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : "(nothing within 10 s)"
        }

        let host = try HostProcess(directory: dir, environment: ["NOTIFY_SOCKET": path])
        let ready = next()
        XCTAssertTrue(ready.hasPrefix("READY=1\n"), ready)
        XCTAssertTrue(ready.contains("STATUS=running 1 instance"), ready)
        // Ready is said only once the instances run: the admin endpoint already answers.
        XCTAssertEqual(host.admin("/readyz")?.status, 200)

        kill(host.process.processIdentifier, SIGHUP)
        let reloading = next()
        XCTAssertTrue(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="), reloading)
        let again = next()
        XCTAssertTrue(again.hasPrefix("READY=1\n") && again.contains("last reload applied"), again)

        kill(host.process.processIdentifier, SIGTERM)
        XCTAssertTrue(next().hasPrefix("STOPPING=1"))
        XCTAssertEqual(host.terminate(), 0)
    }
}
