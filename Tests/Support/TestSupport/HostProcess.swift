import Foundation
import Synchronization
import XCTest

/// The real `tributary` binary started on a drop-in directory, as an operator runs it.
public final class HostProcess {
    public let process = Process()
    public let directory: String
    public let adminPort: Int
    private let log: String

    public init(directory: String, adminPort: Int, extraArguments: [String] = []) throws {
        self.directory = directory
        self.adminPort = adminPort
        log = directory + "/host.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: Fixtures.executable)
        process.arguments = ["run", "--config-dir", directory + "/conf", "--admin-address", "127.0.0.1:\(adminPort)",
                             "--state-dir", directory + "/state"] + extraArguments
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
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

    /// A free loopback TCP port (bound, read, released), never one this process was given
    /// before: a test picks several ports before its host binds any of them, and the kernel may
    /// hand a just-released port out again (an admin endpoint then answered on the device port).
    public static func freePort() -> Int {
        while true {
            let port = ephemeralPort()
            if givenPorts.withLock({ $0.insert(port).inserted }) { return port }
        }
    }

    private static let givenPorts = Mutex<Set<Int>>([])

    private static func ephemeralPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: addr.sin_port))
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
