import Dispatch
import Foundation
import Synchronization
import TestSupport
import TributaryCrypto
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// A registry file in a temporary directory and instances of the plugin reading it, with their
/// log lines recorded.
final class RegistryFixture {
    let directory: String
    let path: String
    let logs = LogRecorder()

    init(_ registry: [String: Any]) throws {
        directory = NSTemporaryDirectory() + "tributary-registry-" + UUID().uuidString
        path = directory + "/registry.json"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try write(registry)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func write(_ registry: [String: Any]) throws {
        try write(text: String(decoding: try JSONSerialization.data(withJSONObject: registry, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
    }

    /// Writes beside the file and renames over it, as editors and deploy tools do.
    func write(text: String) throws {
        let temporary = directory + "/.registry.json.tmp"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func instance(_ extra: [(String, PluginConfig.Value)] = []) throws -> RegistryFileAuthenticator {
        let config = PluginConfig(instanceName: "registry", file: directory + "/10-registry.conf", values: [("path", .string(path))] + extra)
        return try RegistryFileAuthenticator(config: config, host: nil, log: logs.log)
    }
}

final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var log: RegistryLog {
        RegistryLog(isEnabled: { _ in true }, write: { [self] level, message in lines.withLock { $0.append("\(level.name): \(message)") } })
    }

    var all: [String] { lines.withLock { $0 } }
}

/// Waits for an answer that may come now or from a hash worker.
final class Answer<Verdict: Sendable>: Sendable {
    private let value = Mutex<Verdict?>(nil)
    private let arrived = DispatchSemaphore(value: 0)

    var later: @Sendable (Verdict) -> Void {
        { [self] verdict in
            value.withLock { $0 = verdict }
            arrived.signal()
        }
    }

    func wait(immediate: Verdict?) -> Verdict? {
        if let immediate { return immediate }
        guard arrived.wait(timeout: .now() + 30) == .success else { return nil }
        return value.withLock { $0 }
    }
}

extension RegistryFileAuthenticator {
    func verdict(_ request: DeviceAuthRequest) -> DeviceVerdict? {
        let answer = Answer<DeviceVerdict>()
        return answer.wait(immediate: authenticateDevice(request, later: answer.later))
    }

    func verdict(_ request: UserAuthRequest) -> UserVerdict? {
        let answer = Answer<UserVerdict>()
        return answer.wait(immediate: authenticateUser(request, later: answer.later))
    }

    func password(_ application: String, _ device: String, _ password: String, as asDevice: String = "") -> DeviceVerdict? {
        verdict(DeviceAuthRequest(application: application, device: device, asDevice: asDevice, credential: .password(password)))
    }
}

func ok(_ application: String, _ device: String, as asDevice: String = "") -> DeviceVerdict {
    DeviceVerdict(status: .ok, application: application, device: device, asDevice: asDevice)
}

let unauthenticated = DeviceVerdict(status: .unauthenticated)
let denied = DeviceVerdict(status: .denied)
let deferred = DeviceVerdict(status: .defer)

/// Drogue resources as the registry file holds them.
enum Resource {
    static func application(_ name: String, disabled: Bool = false, owner: String? = nil, members: [String: String] = [:],
                            anchors: [String] = []) -> [String: Any] {
        var metadata: [String: Any] = ["name": name]
        if let owner { metadata["owner"] = owner }
        if !members.isEmpty { metadata["members"] = members.mapValues { ["role": $0] } }
        var spec: [String: Any] = ["core": ["disabled": disabled]]
        if !anchors.isEmpty { spec["trustAnchors"] = ["anchors": anchors.map { ["certificate": $0] }] }
        return ["metadata": metadata, "spec": spec]
    }

    static func device(_ name: String, in application: String, credentials: [[String: Any]] = [], aliases: [String] = [],
                       gateways: [String] = [], disabled: Bool = false) -> [String: Any] {
        var spec: [String: Any] = ["authentication": ["credentials": credentials], "core": ["disabled": disabled]]
        if !aliases.isEmpty { spec["alias"] = aliases }
        if !gateways.isEmpty { spec["gatewaySelector"] = ["matchNames": gateways] }
        return ["metadata": ["name": name, "application": application], "spec": spec]
    }

    static func user(_ name: String, keys: [String], roles: [String] = []) -> [String: Any] {
        ["metadata": ["name": name], "spec": ["apiKeys": keys.map { ["hash": $0] }, "roles": roles]]
    }

    static func sha256Key(_ key: String) -> String { "sha256:" + Hex.encode(SHA256.digest(key)) }
}

/// A test case around one registry file and one instance reading it.
class RegistryTestCase: XCTestCase {
    var fixture: RegistryFixture!
    var registry: RegistryFileAuthenticator!

    func load(_ content: [String: Any]) throws {
        fixture = try RegistryFixture(content)
        registry = try fixture.instance()
    }

    override func tearDown() {
        registry?.stop()
        registry = nil
        fixture = nil
        super.tearDown()
    }
}
