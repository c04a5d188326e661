import Glibc
import TributaryCrypto
import TributarySDK

/// Drogue's device authentication (`authentication-service/src/service.rs`) over one version of
/// the registry, with this project's departures (README.md, "Device registry"): a disabled
/// device is refused, and a refusal after the credential checked out is `.denied` (403), not a
/// failure.
/// An application this registry does not know is `.defer`, for the next authenticator.
///
/// Password attempts are rationed per device name as asked (``FailureBuckets``): past the
/// budget an attempt is `.unavailable` without costing a hash, unless its secret verified
/// before. A device the application does not have is checked against the registry's stand-in
/// secret, so it fails as slowly as a wrong secret for a device that exists.
struct DeviceAuthenticator {
    let registry: RegistryIndex
    let verifier: SecretVerifier
    let failures: FailureBuckets
    let metrics: RegistryMetrics
    let log: RegistryLog

    private static let unauthenticated = DeviceVerdict(status: .unauthenticated)
    private static let denied = DeviceVerdict(status: .denied)
    private static let notMine = DeviceVerdict(status: .defer)

    /// The verdict when it is known now; nil when `later` will be called exactly once.
    func authenticate(_ request: DeviceAuthRequest, later: @escaping @Sendable (DeviceVerdict) -> Void) -> DeviceVerdict? {
        switch request.credential {
        case .certificate(let chain):
            return certificate(chain, request)
        case .pskIdentity(let identity):
            return preSharedKey(identity, request)
        case .none:
            return registry.application(request.application) == nil ? Self.notMine : Self.unauthenticated
        case .password(let password):
            guard let app = registry.application(request.application) else { return Self.notMine }
            guard let device = app.devices[request.device] else { return unknownDevice(password, request, later) }
            // Any `pass`; a unique `user` named as the client named the device; a non-unique
            // `user` named like the device.
            let users = device.usernames.filter { $0.username.value == ($0.unique ? request.device : device.name.value) }
            return check(password, against: device.passwords + users.map(\.secret), app, device, request, later)
        case .usernamePassword(let username, let password):
            guard let app = registry.application(request.application) else { return Self.notMine }
            guard let device = app.devices[request.device.isEmpty ? username : request.device] else { return unknownDevice(password, request, later) }
            // A `user` with that name, or any `pass` when the user name is the device's name.
            var candidates = device.usernames.filter { $0.username.value == username }.map(\.secret)
            if username == device.name.value { candidates += device.passwords }
            return check(password, against: candidates, app, device, request, later)
        }
    }

    private func check(_ secret: String, against candidates: [StoredSecret], _ app: RegistryIndex.ApplicationEntry, _ device: Device,
                       _ request: DeviceAuthRequest, _ later: @escaping @Sendable (DeviceVerdict) -> Void) -> DeviceVerdict? {
        let asked = request.asDevice
        let properties = request.properties
        let key = Self.failureKey(request)
        let verdict: @Sendable (Verification) -> DeviceVerdict = { [failures] verification in
            switch verification {
            case .matched:
                failures.refund(key)
                return Self.admit(app, device, as: asked, properties: properties)
            case .mismatched: return Self.unauthenticated
            case .busy, .throttled: return DeviceVerdict(status: .unavailable)
            }
        }
        guard let known = verifier.verify(secret, against: candidates, admit: { failures.take(key) }, later: { later(verdict($0)) })
        else { return nil }
        return verdict(known)
    }

    /// Fails like a wrong secret for a known device, at the same cost: the same budget, then a
    /// verification against the stand-in whose outcome is ignored.
    private func unknownDevice(_ secret: String, _ request: DeviceAuthRequest,
                               _ later: @escaping @Sendable (DeviceVerdict) -> Void) -> DeviceVerdict? {
        metrics.standInVerifications.add()
        let verdict: @Sendable (Verification) -> DeviceVerdict = { verification in
            verification == .busy || verification == .throttled ? DeviceVerdict(status: .unavailable) : Self.unauthenticated
        }
        let key = Self.failureKey(request)
        guard let known = verifier.verify(secret, against: [registry.standIn], admit: { failures.take(key) }, later: { later(verdict($0)) })
        else { return nil }
        return verdict(known)
    }

    /// The device as the client named it, so unknown names are rationed like known ones.
    private static func failureKey(_ request: DeviceAuthRequest) -> String {
        if case .usernamePassword(let username, _) = request.credential, request.device.isEmpty { return request.application + "/" + username }
        return request.application + "/" + request.device
    }

    /// An authenticated device: refused when it or its application is disabled; acting for
    /// another device only when that device's `gatewaySelector.matchNames` names it. The
    /// properties asked for are those of the device acted for and its application.
    private static func admit(_ app: RegistryIndex.ApplicationEntry, _ device: Device, as asked: String,
                              properties: [String]) -> DeviceVerdict {
        guard !app.application.disabled, !device.disabled else { return denied }
        var acting = ""
        var target = device
        if !asked.isEmpty {
            guard let found = app.devices[asked], !found.disabled else { return denied }
            guard found === device || found.gateways.contains(device.name.value) else { return denied }
            acting = found.name.value
            target = found
        }
        let values = properties.map { name -> [UInt8] in
            if name.hasPrefix("device:") { return target.properties[String(name.dropFirst(7))] ?? [] }
            if name.hasPrefix("application:") { return app.application.properties[String(name.dropFirst(12))] ?? [] }
            return []
        }
        return DeviceVerdict(status: .ok, application: app.application.name.value, device: device.name.value, asDevice: acting,
                             properties: values)
    }

    /// The chain (leaf first) must verify against the application's trust anchors; the device is
    /// the one whose name or alias is the leaf's subject DN. Without an application in the
    /// request, the candidates are the applications anchored at an issuer in the chain (Drogue's
    /// `x509/ca` alias: the leaf's issuer, or with intermediates a later certificate's issuer).
    private func certificate(_ chain: [[UInt8]], _ request: DeviceAuthRequest) -> DeviceVerdict {
        var certificates: [Certificate] = []
        for der in chain {
            guard let certificate = try? Certificate(der: der) else { return Self.unauthenticated }
            certificates.append(certificate)
        }
        guard let leaf = certificates.first else { return Self.unauthenticated }
        var candidates: [RegistryIndex.ApplicationEntry] = []
        if !request.application.isEmpty {
            guard let app = registry.application(request.application) else { return Self.notMine }
            candidates = [app]
        } else {
            var seen: Set<String> = []
            for certificate in certificates {
                for app in registry.applications(anchoredAt: certificate.issuer) where seen.insert(app.application.name.value).inserted {
                    candidates.append(app)
                }
            }
            guard !candidates.isEmpty else { return Self.notMine }
        }
        for app in candidates {
            guard let anchors = app.application.trustAnchors else { continue }
            do {
                try anchors.verify(certificates)
            } catch {
                log(.debug, "certificate \(leaf.subject) refused for application '\(app.application.name.value)': \(error.message)")
                continue
            }
            guard let device = app.devices[leaf.subject],
                  request.device.isEmpty || app.devices[request.device] === device
            else { return Self.unauthenticated }
            return Self.admit(app, device, as: request.asDevice, properties: request.properties)
        }
        return Self.unauthenticated
    }

    /// Drogue's PSK identity is `device@application` (``PSKIdentity``); names the request
    /// carries win. The device must hold a `psk` credential valid now.
    private func preSharedKey(_ identity: String, _ request: DeviceAuthRequest) -> DeviceVerdict {
        let parsed = PSKIdentity(identity)
        let applicationName = request.application.isEmpty ? parsed?.application ?? "" : request.application
        let deviceName = request.device.isEmpty ? parsed?.device ?? identity : request.device
        guard let app = registry.application(applicationName) else { return Self.notMine }
        let now = RFC3339.nowUnixNanoseconds()
        guard let device = app.devices[deviceName], device.psks.contains(where: { $0.contains(now) }) else { return Self.unauthenticated }
        return Self.admit(app, device, as: request.asDevice, properties: request.properties)
    }

    /// The key of the first `psk` credential valid now, for a TLS-PSK or DTLS-PSK handshake:
    /// the device named by the identity (name or alias) in an enabled application.
    func lookupPSK(_ request: PSKRequest) -> PSKVerdict {
        guard let identity = PSKIdentity(request.identity) else { return PSKVerdict(status: .unauthenticated) }
        guard let app = registry.application(identity.application) else { return PSKVerdict(status: .defer) }
        let now = RFC3339.nowUnixNanoseconds()
        guard let device = app.devices[identity.device], let credential = device.psks.first(where: { $0.contains(now) }) else {
            log(.debug, "PSK identity '\(request.identity)' refused: no such device or no key valid now")
            return PSKVerdict(status: .unauthenticated)
        }
        guard !app.application.disabled, !device.disabled else { return PSKVerdict(status: .denied) }
        return PSKVerdict(status: .ok, application: app.application.name.value, device: device.name.value, key: credential.key)
    }
}
