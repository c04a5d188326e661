import Foundation

/// A client process a test starts and later waits for, with a bound: its output goes to a file (a
/// pipe nobody reads would block it), and a process still running at the deadline is killed.
public final class BackgroundProcess {
    public let process = Process()
    private let log: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        log = NSTemporaryDirectory() + "tributary-process-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: log)
    }

    /// What the process wrote so far (stdout and stderr together).
    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits until `output` contains `text`, for at most `seconds`.
    @discardableResult
    public func waitForOutput(containing text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(text) { return true }
            guard process.isRunning else { return output.contains(text) }
            usleep(10_000)
        }
        return false
    }

    /// Waits for the exit, at most `seconds`, then kills the process (status -1).
    @discardableResult
    public func wait(seconds: Double) -> Fixtures.Output {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return Fixtures.Output(status: -1, output: output)
        }
        return Fixtures.Output(status: process.terminationStatus, output: output)
    }

    /// Sends `signal` (SIGKILL: an abrupt end, as a crashed client's).
    public func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }
}

extension Fixtures {
    /// Runs a process to its end, killing it after `seconds`.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], seconds: Double,
                           environment: [String: String]? = nil) throws -> Output {
        try BackgroundProcess(executable, arguments, environment: environment).wait(seconds: seconds)
    }
}
