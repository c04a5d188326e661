import TestSupport
import TributaryCrypto
import XCTest

final class CertificateTests: XCTestCase {
    private var pki: TestPKI!
    private var root: TestPKI.Issued!
    private var intermediate: TestPKI.Issued!

    override func setUpWithError() throws {
        pki = try TestPKI()
        root = try pki.authority("root", subject: "/O=Example/CN=Example CA")
        intermediate = try pki.authority("intermediate", subject: "/O=Example/CN=Example Intermediate", issuer: root)
    }

    override func tearDown() { pki = nil }

    func testNamesAreRFC2253MostSpecificFirstLikeTheOpenSSLTool() throws {
        let device = try pki.client("device", subject: "/C=DE/O=Example, Inc./CN=device1", issuer: intermediate)
        let certificate = try Certificate(der: device.der)
        XCTAssertEqual(certificate.subject, #"CN=device1,O=Example\, Inc.,C=DE"#)
        XCTAssertEqual(certificate.issuer, "CN=Example Intermediate,O=Example")
        let printed = try pki.openssl(["x509", "-in", device.certificatePath, "-noout", "-subject", "-nameopt", "RFC2253"])
        XCTAssertEqual(printed.trimmingCharacters(in: .whitespacesAndNewlines), "subject=\(certificate.subject)")
    }

    func testParsesPEMBundlesAndDERAndRefusesGarbage() throws {
        let bundle = Array((root.pem + intermediate.pem).utf8)
        XCTAssertEqual(try Certificate.parse(bundle).map(\.subject), ["CN=Example CA,O=Example", "CN=Example Intermediate,O=Example"])
        XCTAssertEqual(try Certificate.parse(root.der).map(\.subject), ["CN=Example CA,O=Example"])
        XCTAssertThrowsError(try Certificate.parse(Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)))
        XCTAssertThrowsError(try Certificate.parse([0x30, 0x03, 0x02, 0x01]))
        XCTAssertThrowsError(try Certificate(der: root.der + [0]), "trailing bytes")
    }

    func testVerifiesDirectAndIntermediateChains() throws {
        let direct = try pki.client("direct", subject: "/O=Example/CN=direct", issuer: root)
        let viaIntermediate = try pki.client("indirect", subject: "/O=Example/CN=indirect", issuer: intermediate)
        let anchors = try TrustAnchors([try Certificate(der: root.der)])
        XCTAssertNoThrow(try anchors.verify([try Certificate(der: direct.der)]))
        XCTAssertNoThrow(try anchors.verify([try Certificate(der: viaIntermediate.der), try Certificate(der: intermediate.der)]))
        XCTAssertThrowsError(try anchors.verify([try Certificate(der: viaIntermediate.der)]), "intermediate missing")
        // An intermediate may itself be the anchor.
        let intermediateAnchor = try TrustAnchors([try Certificate(der: intermediate.der)])
        XCTAssertNoThrow(try intermediateAnchor.verify([try Certificate(der: viaIntermediate.der)]))
    }

    func testRefusesExpiredForeignAndNotYetValid() throws {
        let anchors = try TrustAnchors([try Certificate(der: root.der)])
        let expired = try pki.client("expired", subject: "/O=Example/CN=expired", issuer: root, expired: true)
        XCTAssertThrowsError(try anchors.verify([try Certificate(der: expired.der)])) { error in
            XCTAssertEqual((error as? CertificateError)?.message, "certificate has expired")
        }
        let impostor = try pki.authority("impostor", subject: "/O=Example/CN=Example CA")
        let forged = try pki.client("forged", subject: "/O=Example/CN=device1", issuer: impostor)
        XCTAssertThrowsError(try anchors.verify([try Certificate(der: forged.der)]))
        let valid = try pki.client("valid", subject: "/O=Example/CN=valid", issuer: root)
        XCTAssertThrowsError(try anchors.verify([try Certificate(der: valid.der)], at: 946_684_800), "year 2000: not yet valid")
        XCTAssertThrowsError(try anchors.verify([]))
    }
}
