import Foundation
import TestSupport
import XCTest

/// A real `tributary` whose users come from a stand-in OpenID Connect provider: `issuer.py`
/// serving discovery and the JWKS over HTTPS (its certificate from its own test CA, given to
/// the plugin as `ca_file`), and tokens signed by `mint.py` with openssl or PyJWT. The host runs
/// registry-file (API keys; the applications' owners and members), oidc-jwt, the http plugin
/// (command API, WebSocket integration) and the mqtt plugin (MQTT integration).
///
/// Users are the registry's: `owner` owns `app`, `manager` and `reader` are members, `stranger`
/// is nobody; `admin` is not in the registry and holds the realm role `drogue-admin`.
final class OIDCTestHost {
    static let audience = "drogue"
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    let base: AdapterTestHost
    let issuer: BackgroundProcess
    let issuerPort: Int
    /// The signing keys (`mint.py keys`): the PEMs, jwks.json and jwks-rotated.json.
    let keys: String
    /// What `issuer.py` serves and records: jwks.json, max-age, down, requests.jsonl.
    let state: String
    let applicationPort: Int
    let integrationPort: Int
    /// The drop-in's `ca_file`, and the CA that signed the issuer's certificate (the same file
    /// unless the host was made untrusted).
    let caFile: String
    let issuerCA: String
    /// Kept for the host's life: its directory holds the CA file the plugin watches.
    private let pki: TestPKI

    var issuerURL: String { "https://localhost:\(issuerPort)/realms/test" }
    var process: HostProcess { base.process }
    /// Requests the issuer answered, in order.
    var issuerRequests: [[String: Any]] { Fixtures.jsonLines(state + "/requests.jsonl") }
    var keySetFetches: Int { issuerRequests.filter { ($0["path"] as? String)?.hasSuffix("/certs") == true }.count }

    /// - Parameters:
    ///   - oidc: extra keys for the oidc-jwt drop-in.
    ///   - offline: the keys from `jwks_file` (the same set the issuer serves) instead of discovery.
    ///   - trusted: false gives the plugin another CA than the one that signed the issuer's certificate.
    ///   - maxAge: the JWKS's `Cache-Control: max-age` from the start (default 300).
    init(label: String, oidc: String = "", offline: Bool = false, trusted: Bool = true, maxAge: Int? = nil) throws {
        keys = Fixtures.temporaryDirectory("\(label)-keys")
        state = Fixtures.temporaryDirectory("\(label)-issuer")
        let made = try Fixtures.run("/usr/bin/python3", [Self.here.appendingPathComponent("mint.py").path, "keys", keys])
        guard made.status == 0 else { throw XCTSkip("mint.py cannot make keys (python3-cryptography?): \(made.output)") }
        try FileManager.default.copyItem(atPath: keys + "/jwks.json", toPath: state + "/jwks.json")
        if let maxAge { try String(maxAge).write(toFile: state + "/max-age", atomically: true, encoding: .utf8) }

        let pki = try TestPKI()
        self.pki = pki
        let ca = try pki.authority("issuer-ca", subject: "/O=Example/CN=Issuer CA")
        let certificate = try pki.server("issuer", issuer: ca)
        let anchor = trusted ? ca : try pki.authority("other-ca", subject: "/O=Elsewhere/CN=Other CA")
        caFile = anchor.certificatePath
        issuerCA = ca.certificatePath
        issuer = try BackgroundProcess("/usr/bin/python3", [Self.here.appendingPathComponent("issuer.py").path,
                                                            certificate.certificatePath, certificate.keyPath, state])
        guard issuer.waitForOutput(containing: "\n", seconds: 10), let port = Int(issuer.output.split(separator: "\n").first ?? "") else {
            throw XCTSkip("the stand-in issuer did not start: \(issuer.output)")
        }
        issuerPort = port
        let issuerURL = "https://localhost:\(port)/realms/test"
        base = try AdapterTestHost(label: label, more: [
            "15-oidc.conf": """
                plugin = "oidc-jwt"
                issuer = "\(issuerURL)"
                audience = "\(Self.audience)"
                ca_file = "\(anchor.certificatePath)"
                \(offline ? "jwks_file = \"\(keys)/jwks.json\"" : "")
                \(oidc)
                """,
            "25-mqtt.conf": "plugin = \"mqtt\"\ndevice_address = \"127.0.0.1:0\"\nintegration_address = \"127.0.0.1:0\"\n",
        ]) { _ in
            "plugin = \"http\"\ndevice_address = \"127.0.0.1:0\"\napplication_address = \"127.0.0.1:0\"\n"
        }
        applicationPort = try base.port("application API")
        integrationPort = try base.process.port("mqtt", "integration")
    }

    deinit { issuer.process.terminate() }

    /// A token from `mint.py`: `alg` (default RS256), and claims over the defaults (this issuer,
    /// audience `drogue`, `sub`, `exp` in 300 s, `iat` now); other `spec` members as mint.py takes
    /// them (key, kid, header, signer, tamper). A claim set to NSNull is left out.
    func token(sub: String = "owner", _ claims: [String: Any] = [:], alg: String = "RS256", _ spec: [String: Any] = [:]) throws -> String {
        var all: [String: Any] = ["iss": issuerURL, "aud": Self.audience, "sub": sub, "exp": "now+300", "iat": "now-0"]
        for (name, value) in claims { all[name] = value is NSNull ? nil : value }
        var full = spec
        full["alg"] = alg
        full["claims"] = all
        let json = String(decoding: try JSONSerialization.data(withJSONObject: full), as: UTF8.self)
        let minted = try Fixtures.run("/usr/bin/python3", [Self.here.appendingPathComponent("mint.py").path, "token", keys, json])
        guard minted.status == 0 else { throw FixtureError("mint.py token \(json): \(minted.output)") }
        return minted.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The command API's answer to `user` (`Bearer <token>`) sending a command to `device-1` of
    /// `app`: 503 (authorized; the device has no live route), 404 (not authorized), 401.
    func commandStatus(bearer token: String, application: String = "app") throws -> Int {
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "20", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                                                        "-H", "Authorization: Bearer \(token)",
                                                        "http://127.0.0.1:\(applicationPort)/api/command/v1alpha1/apps/\(application)/devices/device-1?command=c"])
        return Int(result.output.suffix(3)) ?? 0
    }

    /// The command API's whole answer: status and body.
    func command(bearer token: String) throws -> (status: Int, body: String) {
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "20", "-w", "\n%{http_code}", "-X", "POST", "-H", "Authorization: Bearer \(token)",
                                                        "http://127.0.0.1:\(applicationPort)/api/command/v1alpha1/apps/app/devices/device-1?command=c"])
        var lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// The command API's verdict on a token: what a user sees.
    func accepts(_ token: String) throws -> Bool {
        let status = try commandStatus(bearer: token)
        XCTAssert(status == 503 || status == 401, "unexpected status \(status)")
        return status == 503
    }

    func health() -> [String: Any] {
        guard let body = process.admin("/healthz")?.body,
              let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [:] }
        return object
    }
}
