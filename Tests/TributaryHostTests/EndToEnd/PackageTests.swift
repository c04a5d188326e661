import Foundation
import TestSupport
import XCTest

/// `make deb` (packaging/build-deb.sh, here from the test build's products): what the package
/// holds and declares, and that its binary, with only the Swift runtime it ships, checks the
/// drop-ins it installs.
final class PackageTests: XCTestCase {
    func testThePackageInstallsARunnableHostWithItsDropInsAsConffiles() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/patchelf"), "patchelf missing (make deps installs it)")
        let out = Fixtures.temporaryDirectory("deb")
        let built = try Fixtures.run("/bin/bash", [Fixtures.root + "/packaging/build-deb.sh", out, Fixtures.products])
        XCTAssertEqual(built.status, 0, built.output)
        let deb = try XCTUnwrap(built.output.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(deb.hasSuffix(".deb"), built.output)

        let contents = try Fixtures.run("/usr/bin/dpkg-deb", ["-c", deb]).output
        for path in ["./usr/bin/tributary", "./usr/lib/tributary/libtributary-http.so", "./usr/lib/tributary/libtributary-registry-file.so",
                     "./usr/lib/tributary/swift/libswiftCore.so", "./etc/tributary/plugins.d/00-host.conf",
                     "./etc/tributary/plugins.d/10-registry.conf", "./etc/tributary/registry.json", "./var/lib/tributary/",
                     "./lib/systemd/system/tributary.service", "./usr/include/tributary/tributary.h"] {
            XCTAssertTrue(contents.contains(" \(path)\n"), "\(path) in the package:\n\(contents)")
        }
        XCTAssertTrue(contents.contains("root/root"), "files owned by root, whoever built the package")

        let info = try Fixtures.run("/usr/bin/dpkg-deb", ["-I", deb]).output
        XCTAssertTrue(info.contains("Package: tributary") && info.contains("Depends:") && info.contains("librdkafka1"), info)
        let conffiles = try Fixtures.run("/usr/bin/dpkg-deb", ["-I", deb, "conffiles"]).output
        XCTAssertTrue(conffiles.contains("/etc/tributary/plugins.d/20-http.conf") && conffiles.contains("/etc/tributary/registry.json"), conffiles)

        let installed = Fixtures.temporaryDirectory("deb-root")
        XCTAssertEqual(try Fixtures.run("/usr/bin/dpkg", ["-x", deb, installed]).status, 0)
        let unit = try String(contentsOfFile: installed + "/lib/systemd/system/tributary.service", encoding: .utf8)
        for line in ["Type=notify", "User=tributary", "ExecReload=/bin/kill -HUP $MAINPID", "ProtectSystem=strict", "NoNewPrivileges=true",
                     "ExecStart=/usr/bin/tributary run --config-dir /etc/tributary/plugins.d"] {
            XCTAssertTrue(unit.contains(line + "\n"), line)
        }
        let host = try String(contentsOfFile: installed + "/etc/tributary/plugins.d/00-host.conf", encoding: .utf8)
        XCTAssertTrue(host.contains("state_dir = \"/var/lib/tributary\"") && host.contains("plugin_path = [\"/usr/lib/tributary\"]"), host)
        XCTAssertEqual(try String(contentsOfFile: installed + "/etc/tributary/registry.json", encoding: .utf8).contains("metadata"), false,
                       "no demo devices or passwords in a package")

        // The installed binary finds the Swift runtime only where the package put it (its
        // RUNPATH is /usr/lib/tributary/swift, here under the temporary root).
        let runpath = try Fixtures.run("/usr/bin/readelf", ["-d", installed + "/usr/bin/tributary"]).output
        XCTAssertTrue(runpath.contains("[/usr/lib/tributary/swift]"), runpath)
        let check = try Fixtures.run(installed + "/usr/bin/tributary",
                                     ["check", "--config-dir", installed + "/etc/tributary/plugins.d", "--plugin-path", installed + "/usr/lib/tributary",
                                      "--state-dir", out + "/state"],
                                     environment: ["LD_LIBRARY_PATH": installed + "/usr/lib/tributary/swift", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.contains("configuration ok"), check.output)
    }
}
