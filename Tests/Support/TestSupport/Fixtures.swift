import Foundation
import Synchronization
import XCTest

/// The C fixture plugins and the example, each built once per test run by `cc` (the example
/// against the header alone, as a third party would), plus helpers to write and read drop-in sets.
public enum Fixtures {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let header = root + "/PluginAPI/CTributary/include"
    private static let built = Mutex<[String: String]>([:])
    private static let outputDirectory: String = {
        let dir = NSTemporaryDirectory() + "tributary-fixtures-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Compiles `source` (relative to the repository root) into a shared library, once.
    public static func library(_ source: String) throws -> String {
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

    public static func fixture(_ name: String) throws -> String { try library("Tests/Fixtures/CPlugins/\(name).c") }

    /// Where `swift build --build-tests` put the products: beside the test bundle.
    public static let products: String = {
        let bundle = Bundle(for: FixtureMarker.self).bundleURL
        return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent().path : bundle.path
    }()

    /// The Swift fixture sink (`Tests/Fixtures/SwiftSink`) as a shipped Swift plugin is built: its
    /// own copy of the SDK, only the entry symbol exported, never unloaded. Linked here, once per
    /// run, from the SDK objects `swift build` left beside the products, so the package need not
    /// offer it as a product.
    public static var swiftSink: String {
        get throws { try builtSwiftSink.get() }
    }

    private static let builtSwiftSink = Result<String, any Error> {
        let output = outputDirectory + "/libtributary-fixture-swift-sink.so"
        let objects = try ["TributarySDK", "CTributaryLinux"].flatMap { target in
            let directory = products + "/\(target).build"
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".o") }.map { directory + "/" + $0 }
        }
        let result = try run("/usr/bin/env", [
            "swiftc", "-emit-library", "-parse-as-library", "-swift-version", "6", "-module-name", "FixtureSwiftSink",
            "-I", products + "/Modules",
            "-Xcc", "-fmodule-map-file=\(products)/CTributary.build/module.modulemap",
            "-Xcc", "-fmodule-map-file=\(products)/CTributaryLinux.build/module.modulemap",
            root + "/Tests/Fixtures/SwiftSink/SwiftSink.swift",
        ] + objects + [
            "-Xlinker", "-z", "-Xlinker", "nodelete", "-Xlinker", "--version-script=\(root)/PluginAPI/plugin.exports",
            "-o", output,
        ])
        guard result.status == 0 else { throw FixtureError("swiftc Tests/Fixtures/SwiftSink failed: \(result.output)") }
        return output
    }

    /// The `tributary` executable.
    public static var executable: String { products + "/tributary" }

    public static func temporaryDirectory(_ label: String) -> String {
        let dir = NSTemporaryDirectory() + "tributary-\(label)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass: how a test waits for a
    /// fact (a subscriber registered, a connection closed) instead of sleeping and hoping.
    public static func waitUntil(seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    /// Waits until `path` holds a JSON object, for at most `seconds`.
    public static func waitForJSON(_ path: String, seconds: Double = 20) throws -> [String: Any] {
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

    public static func jsonLines(_ path: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    public struct Output {
        public var status: Int32
        public var output: String
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Output {
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

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Dictionary where Key == String, Value == Any {
    public func int(_ key: String) -> Int { (self[key] as? NSNumber)?.intValue ?? -1 }
}
