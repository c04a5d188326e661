import CTributary
import Foundation
import TributarySDK
import TestSupport
import XCTest
@testable import TributaryHost

/// Loading and refusing plugin libraries: what third parties and operators see first.
final class PluginLoadingTests: XCTestCase {
    private var state = ""
    private var runtime: HostRuntime!

    override func setUp() {
        state = Fixtures.temporaryDirectory("loading")
        runtime = HostRuntime(settings: Fixtures.settings(stateDirectory: state))
    }

    override func tearDown() { runtime.stopAll() }

    func testExampleCSinkBuiltByCCAloneReceivesEvents() throws {
        let sink = try Fixtures.library("PluginAPI/Examples/jsonl-sink/jsonl_sink.c")
        let adapter = try Fixtures.fixture("script_adapter")
        let errors = runtime.startAll([
            try Fixtures.instance("plugin = \"\(sink)\"\npath = \"\(state)/events.jsonl\"", file: "10-jsonl.conf"),
            try Fixtures.instance("plugin = \"\(adapter)\"\nrecord = \"\(state)/summary.json\"\ncount = 20\ndevice = \"device-1\"", file: "20-script.conf"),
        ])
        XCTAssertEqual(errors.map(\.description), [])
        let summary = try Fixtures.waitForJSON("\(state)/summary.json")
        XCTAssertEqual(summary.int("ok"), 20)
        let events = Fixtures.jsonLines("\(state)/events.jsonl")
        XCTAssertEqual(events.count, 20)
        XCTAssertEqual(events.first?["source"] as? String, "drogue://app/device%2D1")
        XCTAssertEqual(Set(events.compactMap { ($0["data"] as? [String: Any])?["seq"] as? Int }), Set(0..<20))
    }

    /// `max_bytes` caps the file: past it the file moves to `<path>.1` and a new one starts, and
    /// no event is lost or cut in two on the way (30 events of about 1.7 KB against 32 KiB: one
    /// rotation, so both files together must still hold every event).
    func testExampleCSinkRotatesItsFileWithoutLosingOrSplittingALine() throws {
        let sink = try Fixtures.library("PluginAPI/Examples/jsonl-sink/jsonl_sink.c")
        let adapter = try Fixtures.fixture("script_adapter")
        let path = "\(state)/events.jsonl"
        let maxBytes = 32_768
        let errors = runtime.startAll([
            try Fixtures.instance("plugin = \"\(sink)\"\npath = \"\(path)\"\nmax_bytes = \(maxBytes)", file: "10-jsonl.conf"),
            try Fixtures.instance("plugin = \"\(adapter)\"\nrecord = \"\(state)/summary.json\"\ncount = 30\npayload_size = 1000", file: "20-script.conf"),
        ])
        XCTAssertEqual(errors.map(\.description), [])
        XCTAssertEqual(try Fixtures.waitForJSON("\(state)/summary.json").int("ok"), 30)
        var seqs: [String] = []
        for file in [path + ".1", path] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertTrue(text.hasSuffix("\n"), "\(file) ends after a whole line")
            XCTAssertLessThanOrEqual(text.utf8.count, maxBytes, file)
            let lines = text.split(separator: "\n")
            XCTAssertFalse(lines.isEmpty, file)
            for line in lines {
                let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(file): a line cut in two")
                seqs.append(try XCTUnwrap(event["seq"] as? String))
            }
        }
        XCTAssertEqual(seqs.sorted(), (0..<30).map(String.init).sorted(), "every event once, across both files")
    }

    func testExampleCSinkOpensNothingUntilStarted() throws {
        let sink = try Fixtures.library("PluginAPI/Examples/jsonl-sink/jsonl_sink.c")
        let path = "\(state)/never.jsonl"
        XCTAssertEqual(runtime.check([try Fixtures.instance("plugin = \"\(sink)\"\npath = \"\(path)\"", file: "10-jsonl.conf")]).map(\.description), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "check (new, then destroy) must not create the file")
        let refused = runtime.check([try Fixtures.instance("plugin = \"\(sink)\"\npath = \"\(path)\"\nmax_bytes = -1", file: "10-jsonl.conf")])
        XCTAssertTrue(refused.first?.description.contains("line 3: 'max_bytes' must be an integer >= 0") ?? false, "\(refused)")
    }

    func testSwiftPluginBuiltWithTheSDKReceivesEvents() throws {
        let adapter = try Fixtures.fixture("script_adapter")
        let errors = runtime.startAll([
            try Fixtures.instance("plugin = \"\(Fixtures.swiftSink)\"\npath = \"\(state)/swift.jsonl\"", file: "10-swift.conf"),
            try Fixtures.instance("plugin = \"\(adapter)\"\nrecord = \"\(state)/summary.json\"\ncount = 10", file: "20-script.conf"),
        ])
        XCTAssertEqual(errors.map(\.description), [])
        XCTAssertEqual(try Fixtures.waitForJSON("\(state)/summary.json").int("ok"), 10)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/swift.jsonl").count, 10)
    }

    func testSwiftPluginReportsItsConfigurationErrorWithTheFile() throws {
        let errors = runtime.startAll([try Fixtures.instance("plugin = \"\(Fixtures.swiftSink)\"\npath = \"/tmp/x\"\nbogus = 1", file: "10-swift.conf")])
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors[0].description.hasPrefix("10-swift.conf: swift-file-sink refused its configuration:"), errors[0].description)
        XCTAssertTrue(errors[0].description.contains("10-swift.conf:3: unknown key 'bogus'"), errors[0].description)
    }

    func testBrokenLibrariesAreRefusedWithFileAndCauseAndTheRestStarts() throws {
        let recording = try Fixtures.fixture("recording_sink")
        let adapter = try Fixtures.fixture("script_adapter")
        let badABI = try Fixtures.fixture("bad_abi_major")
        let noEntry = try Fixtures.fixture("no_entry")
        let foreign = try Fixtures.fixture("foreign_toolchain")
        let rejects = try Fixtures.fixture("rejects_config")
        let errors = runtime.startAll([
            try Fixtures.instance("plugin = \"\(badABI)\"", file: "11-bad-abi.conf"),
            try Fixtures.instance("plugin = \"\(noEntry)\"", file: "12-no-entry.conf"),
            try Fixtures.instance("plugin = \"\(state)/libmissing.so\"", file: "13-missing.conf"),
            try Fixtures.instance("plugin = \"\(foreign)\"", file: "14-foreign.conf"),
            try Fixtures.instance("plugin = \"\(rejects)\"", file: "15-rejects.conf"),
            try Fixtures.instance("plugin = \"not-installed\"", file: "16-not-installed.conf"),
            try Fixtures.instance("plugin = \"\(recording)\"\npath = \"\(state)/recorded.jsonl\"", file: "20-recording.conf"),
            try Fixtures.instance("plugin = \"\(adapter)\"\nrecord = \"\(state)/summary.json\"\ncount = 5", file: "30-script.conf"),
        ]).map(\.description)
        XCTAssertEqual(errors.count, 6, "\(errors)")
        func error(_ file: String) -> String { errors.first { $0.hasPrefix(file) } ?? "none for \(file)" }
        XCTAssertTrue(error("11-bad-abi.conf").contains("libbad_abi_major.so: built for plugin ABI 2.4, this host speaks 1.4 (major versions differ)"), error("11-bad-abi.conf"))
        XCTAssertTrue(error("12-no-entry.conf").contains("libno_entry.so: not a Tributary plugin: no trib_plugin_entry symbol"), error("12-no-entry.conf"))
        XCTAssertTrue(error("13-missing.conf").contains("libmissing.so: no such library"), error("13-missing.conf"))
        XCTAssertTrue(error("14-foreign.conf").contains("libforeign_toolchain.so: a Swift plugin built with another toolchain"), error("14-foreign.conf"))
        XCTAssertTrue(error("15-rejects.conf").contains("refused its configuration: this fixture rejects every configuration"), error("15-rejects.conf"))
        XCTAssertTrue(error("16-not-installed.conf").contains("libtributary-not-installed.so: no such library"), error("16-not-installed.conf"))
        XCTAssertEqual(try Fixtures.waitForJSON("\(state)/summary.json").int("ok"), 5)
        XCTAssertEqual(Fixtures.jsonLines("\(state)/recorded.jsonl").count, 5)
        XCTAssertEqual(runtime.services.registry.instancesFailed.value, 6)
    }

    func testARebuiltLibraryIsStagedAsANewImageBesideTheOld() throws {
        let original = try Fixtures.fixture("recording_sink")
        let copy = state + "/librecording-copy.so"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let first = try PluginLibrary.load(path: copy, stagingDirectory: state + "/cache")
        XCTAssertTrue(try PluginLibrary.load(path: copy, stagingDirectory: state + "/cache") === first, "same bytes, same image")
        // Append a byte: a different build of the same file name.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copy))
        handle.seekToEndOfFile()
        handle.write(Data([0]))
        try handle.close()
        let second = try PluginLibrary.load(path: copy, stagingDirectory: state + "/cache")
        XCTAssertFalse(second === first)
        XCTAssertNotEqual(second.stagedPath, first.stagedPath)
        XCTAssertNotEqual(second.stagedPath, copy)
    }

    // MARK: Minor versions: a plugin names the oldest minor it needs

    func testAPluginBuiltAgainst11ThatAsksFor10UsesNewCallbacksOnlyWhenTheHostHasThem() throws {
        let probe = try Fixtures.fixture("minor_probe")
        // On this host (1.1 or newer) it loads and finds the 1.1 callback.
        XCTAssertEqual(runtime.startAll([try Fixtures.instance("plugin = \"\(probe)\"\nrecord = \"\(state)/on-1.1.txt\"", file: "10-probe.conf")])
            .map(\.description), [])
        XCTAssertEqual(try String(contentsOfFile: "\(state)/on-1.1.txt", encoding: .utf8), "psk lookups: available\n")

        // A 1.0 host: the handshake says minor 0 and the table ends where 1.0's ended.
        let library = try PluginLibrary.load(path: probe, stagingDirectory: "\(state)/stage")
        XCTAssertEqual(library.abiMinor, 0, "it asks for 1.0")
        var entryOut: UnsafePointer<trib_type_plugin_descriptor>?
        let handle = try XCTUnwrap(dlopen(probe, RTLD_NOW | RTLD_LOCAL))
        let entry = unsafeBitCast(try XCTUnwrap(dlsym(handle, TRIB_ENTRY_SYMBOL)), to: trib_on_plugin_entry_fn.self)
        XCTAssertEqual(entry(1, 0, &entryOut), Int32(TRIB_OK), "a 1.0 host is enough for it")
        var oldTable = HostAPITable.pointer.pointee
        oldTable.struct_size = UInt32(MemoryLayout<trib_type_host_api>.offset(of: \.lookup_psk)!)
        let record = InstanceRecord(name: "probe", kind: .adapter, services: runtime.services)
        let path = "\(state)/on-1.0.txt"
        let instance: trib_type_instance_plugin_ptr = try withPluginBuffers(["record", path, "probe", "10-probe.conf"]) { b in
            var item = trib_type_config_item()
            item.struct_size = UInt32(MemoryLayout<trib_type_config_item>.size)
            item.type = TRIB_CONFIG_STRING.rawValue
            item.key = trib_type_host_buffer(ptr: b[0].ptr, len: b[0].len)
            item.text = trib_type_host_buffer(ptr: b[1].ptr, len: b[1].len)
            return try withUnsafePointer(to: &item) { itemPointer in
                let items: [UnsafePointer<trib_type_config_item>?] = [itemPointer]
                return try items.withUnsafeBufferPointer { list in
                    var config = trib_type_config(struct_size: UInt32(MemoryLayout<trib_type_config>.size), items: list.baseAddress,
                                                  item_count: 1, instance_name: trib_type_host_buffer(ptr: b[2].ptr, len: b[2].len), file: trib_type_host_buffer(ptr: b[3].ptr, len: b[3].len), state_dir: trib_type_host_buffer())
                    var out: trib_type_instance_plugin_ptr?
                    var error = [CChar](repeating: 0, count: 256)
                    XCTAssertEqual(entryOut!.pointee.on_instance_new(&oldTable, record.handle, &config, &out, &error, error.count), Int32(TRIB_OK))
                    return try XCTUnwrap(out)
                }
            }
        }
        var error = [CChar](repeating: 0, count: 256)
        XCTAssertEqual(entryOut!.pointee.on_instance_start!(instance, &error, error.count), Int32(TRIB_OK))
        entryOut!.pointee.on_instance_destroy(instance)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "psk lookups: unavailable (1.0 host)\n")
    }

    func testAPluginNeedingANewerMinorIsRefusedWithBothVersions() throws {
        let errors = runtime.startAll([try Fixtures.instance("plugin = \"\(try Fixtures.fixture("future_minor"))\"\nrecord = \"\(state)/x\"",
                                                             file: "10-future.conf")]).map(\.description)
        XCTAssertEqual(errors.count, 1)
        XCTAssertTrue(errors.first?.contains("libfuture_minor.so: needs plugin ABI 1.5, this host speaks 1.4") == true, "\(errors)")
    }
}
