import Foundation
import Glibc
import TestSupport
import XCTest

/// The pieces of a webhook-push end-to-end run: the real `tributary` binary with the C
/// script-adapter driving load, and the Python CloudEvents receiver (`receiver.py`).
enum WebhookHarness {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Where `swift build --build-tests` put the binary and the plugins: beside the test bundle.
    static let products: String = {
        let bundle = Bundle(for: Marker.self).bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent().path : bundle.path
    }()

    static var plugin: String { products + "/libtributary-webhook-push.so" }
    static let python = "/usr/bin/python3"

    private final class Marker {}

    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "webhook-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path + "/conf", withIntermediateDirectories: true)
        return path
    }

    /// The script adapter, compiled once per run with cc against the header alone.
    static let scriptAdapter: Result<String, Failure> = {
        let output = NSTemporaryDirectory() + "webhook-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let library = output + "/libscript_adapter.so"
        let status = run("/usr/bin/cc", ["-std=c11", "-O2", "-shared", "-fPIC", "-pthread", "-I", root + "/PluginAPI/CTributary/include",
                                         root + "/Tests/Fixtures/CPlugins/script_adapter.c", "-o", library])
        return status.code == 0 ? .success(library) : .failure(Failure("cc script_adapter.c: \(status.output)"))
    }()

    /// Skips the test when the receiver's CloudEvents SDK is missing (`make deps` installs it).
    static func requireCloudEvents() throws {
        let probe = run(python, ["-c", "import cloudevents.core.bindings.http"])
        if probe.code != 0 {
            throw XCTSkip("python3 lacks the cloudevents package (make deps installs it): \(probe.output)")
        }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass.
    static func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    static func jsonObject(_ path: String) -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    static func jsonLines(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// A child process that the test ends (SIGTERM, or SIGKILL on request), with its output in a file.
final class ChildProcess {
    let process = Process()
    let log: String

    init(_ executable: String, _ arguments: [String], log: String) throws {
        self.log = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit { kill(signal: SIGKILL) }

    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` and waits (at most 20 s, then SIGKILL) for the exit; returns the status.
    @discardableResult
    func kill(signal: Int32 = SIGTERM) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        Glibc.kill(process.processIdentifier, signal)
        if !WebhookHarness.wait(seconds: 20, { !process.isRunning }) {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }
}

/// `receiver.py` on a loopback port, recording into `record`.
final class Receiver {
    let child: ChildProcess
    let port: Int
    let record: String

    /// `port` 0 picks a free one; `script` is the misbehaviour plan (see receiver.py).
    init(directory: String, name: String = "receiver", port: Int = 0, script: String = "{}", tls: [String] = []) throws {
        record = "\(directory)/\(name).jsonl"
        let scriptPath = "\(directory)/\(name)-script.json"
        let portFile = "\(directory)/\(name).port"
        try? FileManager.default.removeItem(atPath: portFile)
        try WebhookHarness.write(script, to: scriptPath)
        let child = try ChildProcess(WebhookHarness.python, [WebhookHarness.root + "/Tests/WebhookPushTests/receiver.py", "--port", "\(port)",
                                                             "--port-file", portFile, "--record", record, "--script", scriptPath] + tls,
                                     log: "\(directory)/\(name).log")
        self.child = child
        guard WebhookHarness.wait(seconds: 15, { FileManager.default.fileExists(atPath: portFile) || !child.isRunning }),
              let text = try? String(contentsOfFile: portFile, encoding: .utf8), let number = Int(text) else {
            throw WebhookHarness.Failure("the receiver did not start:\n\(child.output)")
        }
        self.port = number
    }

    var url: String { "http://127.0.0.1:\(port)/events" }

    /// Every recorded request.
    var requests: [[String: Any]] { WebhookHarness.jsonLines(record) }

    /// Every event the receiver answered with a 2xx, in arrival order: (partition key, seq).
    var delivered: [(key: String, seq: Int)] {
        requests.filter { ($0["answer"] as? Int).map { (200..<300).contains($0) } ?? false }.flatMap { request in
            ((request["events"] as? [[String: Any]]) ?? []).map { (($0["key"] as? String) ?? "", ($0["seq"] as? Int) ?? -1) }
        }
    }

    func stop() { child.kill() }
}

/// The host binary on a drop-in directory, its admin endpoint on port 0 (the bound address from
/// `--admin-address-file`).
final class Host {
    let child: ChildProcess
    let adminPort: Int

    init(directory: String, label: String = "host") throws {
        let addressFile = "\(directory)/\(label).admin-address"
        try? FileManager.default.removeItem(atPath: addressFile)
        let child = try ChildProcess(WebhookHarness.products + "/tributary",
                                 ["run", "--config-dir", directory + "/conf", "--state-dir", directory + "/state",
                                  "--admin-address", "127.0.0.1:0", "--admin-address-file", addressFile,
                                  "--plugin-path", WebhookHarness.products],
                                     log: "\(directory)/\(label).log")
        self.child = child
        guard WebhookHarness.wait(seconds: 30, { FileManager.default.fileExists(atPath: addressFile) || !child.isRunning }),
              let text = try? String(contentsOfFile: addressFile, encoding: .utf8),
              let adminPort = text.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw WebhookHarness.Failure("tributary wrote no admin address:\n\(child.output)")
        }
        self.adminPort = adminPort
        guard WebhookHarness.wait(seconds: 30, { Host.admin(adminPort, "/readyz")?.status == 200 || !child.isRunning }), child.isRunning else {
            throw WebhookHarness.Failure("tributary did not become ready:\n\(child.output)")
        }
    }

    /// An admin endpoint request with curl; nil when it does not answer.
    func admin(_ path: String, method: String = "GET") -> (status: Int, body: String)? {
        Host.admin(adminPort, path, method: method)
    }

    static func admin(_ adminPort: Int, _ path: String, method: String = "GET") -> (status: Int, body: String)? {
        let result = WebhookHarness.run("/usr/bin/curl", ["-s", "-m", "5", "-X", method, "-w", "\n%{http_code}", "http://127.0.0.1:\(adminPort)\(path)"])
        guard result.code == 0 else { return nil }
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let code = lines.popLast().flatMap({ Int($0) }) else { return nil }
        return (code, lines.joined(separator: "\n"))
    }

    /// The value of one sample on /metrics, e.g. `tributary_plugin_webhook_push_delivered_total{instance="hook"}`.
    func metric(_ sample: String) -> Double? {
        guard let body = admin("/metrics")?.body else { return nil }
        for line in body.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }
}
