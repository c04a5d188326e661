import Foundation
import TestSupport
import XCTest
@testable import TributaryHost

/// Reading `plugins.d/`: which files count, in which order, how instances are named, and how host
/// settings layer (file < environment < flags).
final class ConfigSetTests: XCTestCase {
    private func directory(_ files: [String: String]) throws -> String {
        let dir = Fixtures.temporaryDirectory("confset")
        for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        return dir
    }

    func testOnlyConfFilesInByteOrderAndLeftoversSkipped() throws {
        let dir = try directory([
            "20-b.conf": "plugin = \"b\"", "10-a.conf": "plugin = \"a\"", "B-upper.conf": "plugin = \"u\"",
            "a-lower.conf": "plugin = \"l\"", ".hidden.conf": "x", "30-c.conf~": "x", "40-d.conf.dpkg-old": "x",
            "50-e.conf.rpmnew": "x", "README": "x", "#60-f.conf#": "x",
        ])
        let (set, errors) = ConfigSet.load(directory: dir, environment: [:])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(set.instances.map(\.name), ["a", "b", "B-upper", "a-lower"], "byte order: digits, upper, lower")
    }

    func testInstanceNamesAndDuplicates() throws {
        let dir = try directory([
            "10-kafka.conf": "plugin = \"kafka\"", "20-audit.conf": "plugin = \"webhook-push\"\nname = \"audit-hook\"",
            "30-other.conf": "plugin = \"webhook-push\"\nname = \"kafka\"",
        ])
        let (set, errors) = ConfigSet.load(directory: dir, environment: [:])
        XCTAssertEqual(set.instances.map(\.name), ["kafka", "audit-hook"])
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors.first?.description, "\(dir)/30-other.conf:2:8: instance name 'kafka' is already used by \(dir)/10-kafka.conf")
    }

    func testHostSettingsLayerFileThenEnvironmentThenFlags() throws {
        let dir = try directory(["00-host.conf": "[host]\nadmin_address = \"127.0.0.1:9999\"\ninstance = \"from-file\"\nlog_level = \"debug\"\nplugin_path = [\"/a\", \"/b\"]"])
        let (set, errors) = ConfigSet.load(directory: dir, environment: ["TRIBUTARY_INSTANCE": "from-env", "TRIBUTARY_LOG_LEVEL": "warn"],
                                           overrides: ["log_level": "error"])
        XCTAssertEqual(errors, [])
        XCTAssertEqual(set.settings.adminAddress, "127.0.0.1:9999")
        XCTAssertEqual(set.settings.instance, "from-env")
        XCTAssertEqual(set.settings.logLevel, "error")
        XCTAssertEqual(set.settings.pluginPath, ["/a", "/b"])
    }

    func testUnknownHostKeysAndBadTypesAreErrorsWithPositions() throws {
        let dir = try directory(["00-host.conf": "[host]\nadmin_adress = \"x\"\ndrain_timeout_ms = \"soon\""])
        let (_, errors) = ConfigSet.load(directory: dir, environment: [:])
        XCTAssertEqual(errors.map(\.description), ["\(dir)/00-host.conf:2:16: unknown host setting 'host.admin_adress'"])
    }

    func testSecretsComeFromTheEnvironmentOrAFile() throws {
        let secret = Fixtures.temporaryDirectory("secret") + "/token"
        try "s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        let instance = try Fixtures.instance("plugin = \"x\"\ntoken = \"${env:SINK_TOKEN}\"\npassword = \"${file:\(secret)}\"\nplain = \"${not-a-ref\"")
        let items = try ConfigItems(instance, stateDirectory: "/tmp", environment: ["SINK_TOKEN": "t0ken"])
        XCTAssertEqual(items.lookup["token"]?.pointee.text.string, "t0ken")
        XCTAssertEqual(items.lookup["password"]?.pointee.text.string, "s3cret", "without the trailing newline")
        XCTAssertEqual(items.lookup["plain"]?.pointee.text.string, "${not-a-ref")
        XCTAssertThrowsError(try ConfigItems(instance, stateDirectory: "/tmp", environment: [:])) { error in
            XCTAssertEqual((error as? ConfigError)?.description, "50-test.conf:2:9: 'token' refers to environment variable SINK_TOKEN, which is not set")
        }
    }

    func testPluginKeysAreFlattenedWithTypesAndArrays() throws {
        let instance = try Fixtures.instance("plugin = \"x\"\nname = \"n\"\nenabled = false\nport = 8080\nratio = 0.5\n[tls]\nverify = true\nservers = [\"a\", \"b\"]\n[filter]\nchannels = [\"t\"]")
        XCTAssertFalse(instance.enabled)
        XCTAssertEqual(instance.filter.channels, ["t"])
        let items = try ConfigItems(instance, stateDirectory: "/state/n", environment: [:])
        let config = items.config.pointee
        let keys = (0..<config.item_count).map { config.items[$0]!.pointee.key.string }
        XCTAssertEqual(keys, ["port", "ratio", "tls.verify", "tls.servers", "tls.servers[0]", "tls.servers[1]"])
        XCTAssertEqual(items.lookup["port"]?.pointee.integer, 8080)
        XCTAssertEqual(items.lookup["tls.servers"]?.pointee.count, 2)
        XCTAssertEqual(config.instance_name.string, "n")
        XCTAssertEqual(config.state_dir.string, "/state/n")
        XCTAssertThrowsError(try ConfigItems(try Fixtures.instance("plugin = \"x\"\nnested = [[1]]"), stateDirectory: "/", environment: [:]))
    }
}
