import Foundation
import XCTest

/// The real `tributary` binary started on a drop-in directory, as an operator runs it.
///
/// Every listener is on port 0, so tests never race other processes for a "free" port: the
/// admin endpoint's bound address comes from `--admin-address-file` (written once it listens),
/// and the adapters' from `GET /listeners` (see ``port(_:_:)``).
public final class HostProcess {
    public let process = Process()
    public let directory: String
    public let adminPort: Int
    private let log: String

    /// The admin endpoint binds port 0 unless `extraArguments` give another `--admin-address`.
    /// Returns once the admin endpoint listens (before the instances start).
    /// `environment`: variables added to the test's own (NOTIFY_SOCKET, TRIBUTARY_*).
    public init(directory: String, extraArguments: [String] = [], environment: [String: String] = [:], seconds: Double = 20) throws {
        self.directory = directory
        log = directory + "/host.log"
        let addressFile = directory + "/admin-address"
        try? FileManager.default.removeItem(atPath: addressFile)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: Fixtures.executable)
        process.arguments = ["run", "--config-dir", directory + "/conf", "--admin-address", "127.0.0.1:0",
                             "--admin-address-file", addressFile, "--state-dir", directory + "/state"] + extraArguments
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        var port: Int?
        while port == nil {
            port = (try? String(contentsOfFile: addressFile, encoding: .utf8))
                .flatMap { $0.split(separator: ":").last }.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port != nil { break }
            guard process.isRunning else { throw FixtureError("tributary exited before its admin endpoint listened:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
            guard Date() < deadline else { throw FixtureError("tributary wrote no admin address within \(seconds) s") }
            usleep(10_000)
        }
        adminPort = port!
    }

    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// GETs a path of the admin endpoint with curl; nil when it does not answer yet.
    public func admin(_ path: String) -> (status: Int, body: String)? {
        guard let result = try? Fixtures.run("/usr/bin/curl", ["-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:\(adminPort)\(path)"]),
              result.status == 0 else { return nil }
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        guard let code = lines.popLast().flatMap({ Int($0) }) else { return nil }
        return (code, lines.joined(separator: "\n"))
    }

    public func waitUntilReady(seconds: Double = 20) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if admin("/readyz")?.status == 200 { return }
            guard process.isRunning else { throw FixtureError("tributary exited early:\n\(output)") }
            usleep(50_000)
        }
        throw FixtureError("tributary not ready:\n\(output)")
    }

    /// One sample of /metrics, e.g. `tributary_bus_subscriptions{instance="http"}`; nil when absent.
    public func metric(_ sample: String) -> Int64? {
        guard let body = admin("/metrics")?.body else { return nil }
        return body.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Int64($0.dropFirst(sample.count + 1)) }
    }

    /// `GET /listeners`: what each running adapter bound, as (instance, label, address).
    public func listeners() throws -> [(instance: String, label: String, address: String)] {
        guard let answer = admin("/listeners"), answer.status == 200,
              let list = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [[String: String]] else {
            throw FixtureError("GET /listeners failed:\n\(output)")
        }
        return list.map { ($0["instance"] ?? "", $0["label"] ?? "", $0["address"] ?? "") }
    }

    /// The port an instance's listener bound; call once the host is ready (adapters report
    /// their listeners while starting).
    public func port(_ instance: String, _ label: String) throws -> Int {
        guard let listener = try listeners().first(where: { $0.instance == instance && $0.label == label }),
              let port = listener.address.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw FixtureError("no listener '\(label)' of \(instance) in GET /listeners:\n\(output)")
        }
        return port
    }

    /// Sends SIGTERM and waits for the exit status.
    public func terminate(seconds: Double = 20) -> Int32 {
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }
}

/// Writes a drop-in directory for the binary.
public func writeDropIns(_ directory: String, _ files: [String: String]) throws {
    let conf = directory + "/conf"
    try FileManager.default.createDirectory(atPath: conf, withIntermediateDirectories: true)
    for (name, text) in files {
        try text.write(toFile: conf + "/" + name, atomically: true, encoding: .utf8)
    }
}
