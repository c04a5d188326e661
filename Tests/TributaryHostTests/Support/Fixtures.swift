import Foundation
import Synchronization
import XCTest
@testable import TributaryHost

/// The C fixture plugins and the example, each built once per test run by `cc` (the example
/// against the header alone, as a third party would), plus helpers to write and read drop-in sets.
enum Fixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let header = root + "/PluginAPI/CTributary/include"
    private static let built = Mutex<[String: String]>([:])
    private static let outputDirectory: String = {
        let dir = NSTemporaryDirectory() + "tributary-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Compiles `source` (relative to the repository root) into a shared library, once.
    static func library(_ source: String) throws -> String {
        try built.withLock { built in
            if let path = built[source] { return path }
            let name = (source as NSString).lastPathComponent.replacingOccurrences(of: ".c", with: "")
            let output = outputDirectory + "/lib\(name).so"
            let result = try run("/usr/bin/cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-shared", "-fPIC", "-pthread",
                                                 "-I", header, root + "/" + source, "-o", output])
            guard result.status == 0 else { throw FixtureError("cc \(source) failed: \(result.output)") }
            built[source] = output
            return output
        }
    }

    static func fixture(_ name: String) throws -> String { try library("Tests/Fixtures/CPlugins/\(name).c") }

    /// Where `swift build --build-tests` put the products: beside the test bundle.
    static let products: String = {
        let bundle = Bundle(for: FixtureMarker.self).bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent().path : bundle.path
    }()

    /// The Swift fixture sink, built with the SDK by `swift build`.
    static var swiftSink: String { products + "/libtributary-fixture-swift-sink.so" }

    /// The `tributary` executable.
    static var executable: String { products + "/tributary" }

    static func temporaryDirectory(_ label: String) -> String {
        let dir = NSTemporaryDirectory() + "tributary-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Parses one drop-in text as if it were the file `name`.
    static func instance(_ text: String, file name: String = "50-test.conf") throws -> InstanceConfig {
        try ConfigSet.instanceConfig(TOMLParser.parse(text, file: name), file: name)
    }

    static func settings(stateDirectory: String) -> HostSettings {
        var settings = HostSettings()
        settings.stateDirectory = stateDirectory
        settings.pluginPath = [stateDirectory]
        settings.drainTimeoutMilliseconds = 2_000
        return settings
    }

    /// Waits until `path` holds a JSON object, for at most `seconds`.
    static func waitForJSON(_ path: String, seconds: Double = 20) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: path),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                return object
            }
            usleep(10_000)
        }
        throw FixtureError("\(path) did not appear within \(seconds) s")
    }

    static func jsonLines(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    struct Output {
        var status: Int32
        var output: String
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

final class FixtureMarker {}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Dictionary where Key == String, Value == Any {
    func int(_ key: String) -> Int { (self[key] as? NSNumber)?.intValue ?? -1 }
}
