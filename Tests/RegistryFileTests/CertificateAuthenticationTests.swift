import Foundation
import TestSupport
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// X.509 chains against applications' trust anchors: the application from the issuer, the device
/// from the subject DN (name or alias), validity windows, intermediates, foreign authorities.
final class CertificateAuthenticationTests: XCTestCase {
    /// Made once for the class: every openssl run costs a process start.
    private struct Authorities {
        let pki: TestPKI
        let root: TestPKI.Issued
        let intermediate: TestPKI.Issued
        let partner: TestPKI.Issued
        let off: TestPKI.Issued
        let fixture: RegistryFixture

        init() throws {
            pki = try TestPKI()
            root = try pki.authority("root", subject: "/O=Example/CN=Example CA")
            intermediate = try pki.authority("intermediate", subject: "/O=Example/CN=Example Intermediate", issuer: root)
            partner = try pki.authority("partner", subject: "/O=Partner/CN=Partner CA")
            off = try pki.authority("off", subject: "/CN=Off CA")
            fixture = try RegistryFixture([
                "applications": [
                    // The three accepted anchor encodings: PEM, base64 of PEM (wrapped as `base64`
                    // wraps), base64 of DER.
                    Resource.application("app", anchors: [root.pem]),
                    Resource.application("partner-app", anchors: [Data(partner.pem.utf8).base64EncodedString(options: .lineLength76Characters)]),
                    Resource.application("off-app", disabled: true, anchors: [Data(off.der).base64EncodedString()]),
                ],
                "devices": [
                    Resource.device("CN=device1,O=Example", in: "app"),
                    Resource.device("device2", in: "app", aliases: ["CN=device2,O=Example"]),
                    Resource.device("disabled", in: "app", aliases: ["CN=disabled,O=Example"], disabled: true),
                    Resource.device("sensor1", in: "app", gateways: ["device2"]),
                    Resource.device("partner-device", in: "partner-app", aliases: ["CN=partner-device,O=Partner"]),
                    Resource.device("off-device", in: "off-app", aliases: ["CN=off-device"]),
                ],
            ])
        }
    }

    nonisolated(unsafe) private static var authorities: Authorities?
    private var pki: TestPKI { Self.authorities!.pki }
    private var root: TestPKI.Issued { Self.authorities!.root }
    private var intermediate: TestPKI.Issued { Self.authorities!.intermediate }
    private var partner: TestPKI.Issued { Self.authorities!.partner }
    private var offAuthority: TestPKI.Issued { Self.authorities!.off }
    private var registry: RegistryFileAuthenticator!

    override func setUpWithError() throws {
        if Self.authorities == nil { Self.authorities = try Authorities() }
        registry = try Self.authorities!.fixture.instance()
    }

    override func tearDown() {
        registry.stop()
        registry = nil
    }

    override class func tearDown() { authorities = nil }

    private func present(_ chain: [TestPKI.Issued], application: String = "", device: String = "", as asDevice: String = "") -> DeviceVerdict? {
        registry.verdict(DeviceAuthRequest(application: application, device: device, asDevice: asDevice, credential: .certificate(chain: chain.map(\.der))))
    }

    func testLeafFromTheAnchorFindsApplicationAndDeviceByName() throws {
        let leaf = try pki.client("device1", subject: "/O=Example/CN=device1", issuer: root)
        XCTAssertEqual(present([leaf]), ok("app", "CN=device1,O=Example"))
        XCTAssertEqual(present([leaf], application: "app"), ok("app", "CN=device1,O=Example"))
    }

    func testIntermediatesAreAllowedAndTheDeviceIsFoundByAlias() throws {
        let leaf = try pki.client("device2", subject: "/O=Example/CN=device2", issuer: intermediate)
        XCTAssertEqual(present([leaf, intermediate]), ok("app", "device2"))
        XCTAssertEqual(present([leaf, intermediate], device: "device2"), ok("app", "device2"))
        XCTAssertEqual(present([leaf, intermediate], device: "sensor1"), unauthenticated, "the certificate names another device")
        XCTAssertEqual(present([leaf]), deferred, "without the intermediate no issuer in the chain is an anchor")
        XCTAssertEqual(present([leaf], application: "app"), unauthenticated)
    }

    func testAnchorsGivenAsBase64OfPEMAndOfDERWork() throws {
        XCTAssertEqual(present([try pki.client("partner-device", subject: "/O=Partner/CN=partner-device", issuer: partner)]),
                       ok("partner-app", "partner-device"))
        // Denied, not unauthenticated: the chain verified against the DER anchor; the application is disabled.
        XCTAssertEqual(present([try pki.client("off-device", subject: "/CN=off-device", issuer: offAuthority)]), denied)
    }

    func testExpiredCertificateFails() throws {
        let expired = try pki.client("expired", subject: "/O=Example/CN=device1", issuer: root, expired: true)
        XCTAssertEqual(present([expired]), unauthenticated)
    }

    func testCertificateFromAnotherAuthorityFails() throws {
        let impostor = try pki.authority("impostor", subject: "/O=Example/CN=Example CA")
        XCTAssertEqual(present([try pki.client("forged", subject: "/O=Example/CN=device1", issuer: impostor)]), unauthenticated,
                       "same issuer name, wrong key")
        let stranger = try pki.authority("stranger", subject: "/O=Stranger/CN=Stranger CA")
        XCTAssertEqual(present([try pki.client("strange", subject: "/O=Example/CN=device1", issuer: stranger)]), deferred,
                       "no application here is anchored at that issuer")
        XCTAssertEqual(present([try pki.client("strange2", subject: "/O=Example/CN=device1", issuer: stranger)], application: "app"), unauthenticated)
    }

    func testUnknownSubjectFailsAndDisabledDeviceIsDenied() throws {
        XCTAssertEqual(present([try pki.client("unknown", subject: "/O=Example/CN=nobody", issuer: root)]), unauthenticated)
        XCTAssertEqual(present([try pki.client("disabled", subject: "/O=Example/CN=disabled", issuer: root)]), denied)
    }

    func testGatewayCertificateActsForASelectingDevice() throws {
        let gateway = try pki.client("device2", subject: "/O=Example/CN=device2", issuer: root)
        XCTAssertEqual(present([gateway], as: "sensor1"), ok("app", "device2", as: "sensor1"))
        let other = try pki.client("device1", subject: "/O=Example/CN=device1", issuer: root)
        XCTAssertEqual(present([other], as: "sensor1"), denied)
    }

    func testGarbageAndEmptyChainsFail() {
        XCTAssertEqual(registry.verdict(DeviceAuthRequest(application: "", device: "", credential: .certificate(chain: [[0x30, 0x00]]))), unauthenticated)
        XCTAssertEqual(registry.verdict(DeviceAuthRequest(application: "", device: "", credential: .certificate(chain: []))), unauthenticated)
    }
}
