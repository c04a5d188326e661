import Foundation
import TestSupport
import XCTest

/// librdkafka's mock cluster in its own process (`kafka_mock_cluster.c`, built with cc on first
/// use): three brokers on loopback speaking the Kafka protocol, steered line by line (brokers
/// down and up, round-trip time, injected Produce errors).
final class KafkaMockCluster {
    let bootstrap: String
    private let process = Process()
    private let input = Pipe()
    private let output: String
    private var answered = 1

    init(brokers: Int = 3) throws {
        let helper = try Self.helper()
        let output = Fixtures.temporaryDirectory("kafka-mock") + "/output"
        self.output = output
        FileManager.default.createFile(atPath: output, contents: nil)
        process.executableURL = URL(fileURLWithPath: helper)
        process.arguments = [String(brokers)]
        process.standardInput = input
        process.standardOutput = FileHandle(forWritingAtPath: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        var first: String?
        _ = Fixtures.waitUntil(seconds: 10) {
            first = (try? String(contentsOfFile: output, encoding: .utf8))?.split(separator: "\n").first.map(String.init)
            return first != nil
        }
        guard let first else { throw XCTSkip("the mock cluster did not start") }
        bootstrap = first
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Sends one command and waits for its answer (`ok`).
    func command(_ line: String, file: StaticString = #filePath, lineNumber: UInt = #line) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        answered += 1
        var lines: [Substring] = []
        let done = Fixtures.waitUntil(seconds: 10) {
            lines = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n")
            return lines.count >= answered
        }
        XCTAssertTrue(done && lines[answered - 1] == "ok", "\(line): \(lines.last ?? "no answer")", file: file, line: lineNumber)
    }

    func setBrokers(up: Bool, count: Int = 3) {
        for broker in 1...count { command("\(up ? "up" : "down") \(broker)") }
    }

    /// Every record of `topic` from the beginning, as kcat's JSON envelopes.
    func records(_ topic: String) throws -> [[String: Any]] {
        let result = try Fixtures.run("/usr/bin/kcat", ["-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-J"])
        return result.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// Waits until `topic` holds at least `count` records, and returns them.
    func records(_ topic: String, atLeast count: Int, seconds: Double = 20) throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        _ = try Fixtures.waitUntil(seconds: seconds) {
            found = try records(topic)
            return found.count >= count
        }
        return found
    }

    private static func helper() throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("kafka_mock_cluster.c").path
        let binary = NSTemporaryDirectory() + "tributary-kafka-mock-\(getpid())"
        if FileManager.default.fileExists(atPath: binary) { return binary }
        let built = try Fixtures.run("/usr/bin/cc", ["-O2", "-o", binary, source, "-lrdkafka"])
        guard built.status == 0 else { throw XCTSkip("cannot build the mock cluster helper (librdkafka-dev?): \(built.output)") }
        return binary
    }
}

/// kcat's record headers, a flat [name, value, name, value ...] array, as a dictionary.
func headers(_ record: [String: Any]) -> [String: String] {
    let flat = record["headers"] as? [String] ?? []
    var headers: [String: String] = [:]
    for index in stride(from: 0, to: flat.count - 1, by: 2) { headers[flat[index]] = flat[index + 1] }
    return headers
}
