import CTributary

/// A PSK identity as TLS-PSK and DTLS-PSK clients send it: Drogue's `device@application`, split
/// at the first `@` (so an application name may hold `@`, a device name may not). The one rule
/// every adapter and authenticator applies.
public struct PSKIdentity: Sendable, Equatable {
    public var device: String
    public var application: String

    public init(device: String, application: String) {
        self.device = device
        self.application = application
    }

    /// Nil when there is no `@`, or either side is empty.
    public init?(_ identity: String) {
        guard let at = identity.firstIndex(of: "@") else { return nil }
        device = String(identity[..<at])
        application = String(identity[identity.index(after: at)...])
        guard !device.isEmpty, !application.isEmpty else { return nil }
    }

    public var text: String { "\(device)@\(application)" }
}

/// A PSK lookup an authenticator receives (`trib_type_psk_request`).
public struct PSKRequest: Sendable, Equatable {
    /// The identity as the client sent it.
    public var identity: String

    public init(identity: String) { self.identity = identity }

    public init(_ r: UnsafePointer<trib_type_psk_request>) { identity = r.pointee.identity.string }
}

/// What a PSK lookup answered: on `.ok` the canonical names and the key. The key is secret:
/// hand it to the handshake, never log it.
public struct PSKVerdict: Sendable, Equatable {
    public var status: Status
    public var application: String
    public var device: String
    public var key: [UInt8]

    public init(status: Status, application: String = "", device: String = "", key: [UInt8] = []) {
        self.status = status
        self.application = application
        self.device = device
        self.key = key
    }
}

public enum PSKAnswer {}

/// Completes one PSK lookup (see ``AuthenticatorReply``).
public typealias PSKReply = AuthenticatorReply<PSKAnswer>

extension AuthenticatorReply where Kind == PSKAnswer {
    public func callAsFunction(_ verdict: PSKVerdict) {
        withPluginBuffers([verdict.application, verdict.device]) { b in
            verdict.key.withUnsafeBytes { key in
                var result = trib_type_plugin_psk_result(
                    struct_size: UInt32(MemoryLayout<trib_type_plugin_psk_result>.size), status: verdict.status.rawValue,
                    application: b[0], device: b[1], key: trib_type_plugin_buffer(key))
                host.api.pointee.complete_psk(host.instance, operation, &result)
            }
        }
    }
}
