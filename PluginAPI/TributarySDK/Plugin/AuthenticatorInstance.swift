import CTributary

/// An authenticator: answers device and user authentication and authorization requests, and
/// PSK lookups.
///
/// Each method either answers at once by returning a status other than `.pending` (`.defer`:
/// not mine; `.ok`: allowed with the request's names), or returns `.pending` and calls the reply
/// exactly once, possibly from another thread (slow work such as bcrypt belongs there, never on
/// the caller's thread). The defaults defer, so an authenticator implements only what it knows.
public protocol AuthenticatorInstance: PluginInstance {
    func authenticateDevice(_ request: DeviceAuthRequest, reply: DeviceAuthReply) -> Status
    func authenticateUser(_ request: UserAuthRequest, reply: UserAuthReply) -> Status
    func authorize(_ request: AuthorizeRequest, reply: AuthorizeReply) -> Status
    /// A key travels only in the reply: answer `.pending` and call `reply`, or `.defer`/an error.
    func lookupPSK(_ request: PSKRequest, reply: PSKReply) -> Status
}

extension AuthenticatorInstance {
    public func authenticateDevice(_ request: DeviceAuthRequest, reply: DeviceAuthReply) -> Status { .defer }
    public func authenticateUser(_ request: UserAuthRequest, reply: UserAuthReply) -> Status { .defer }
    public func authorize(_ request: AuthorizeRequest, reply: AuthorizeReply) -> Status { .defer }
    public func lookupPSK(_ request: PSKRequest, reply: PSKReply) -> Status { .defer }
}

/// The completion of one operation an authenticator accepted: call it exactly once, from any
/// thread. One type for every kind of answer (`Kind` only picks which `callAsFunction` it has),
/// so the four replies cannot drift apart.
public struct AuthenticatorReply<Kind>: Sendable {
    let host: PluginHost
    let operation: UInt64

    public init(host: PluginHost, operation: UInt64) {
        self.host = host
        self.operation = operation
    }
}

public enum DeviceAuthAnswer {}
public enum UserAuthAnswer {}
public enum AuthorizeAnswer {}

/// Completes one device authentication.
public typealias DeviceAuthReply = AuthenticatorReply<DeviceAuthAnswer>
/// Completes one user authentication.
public typealias UserAuthReply = AuthenticatorReply<UserAuthAnswer>
/// Completes one authorization: `.ok`, `.denied`, `.notFound` or `.unavailable`.
public typealias AuthorizeReply = AuthenticatorReply<AuthorizeAnswer>

extension AuthenticatorReply where Kind == DeviceAuthAnswer {
    /// `application`, `device` and `asDevice` are the canonical names when `status` is `.ok`;
    /// `properties` the values of the properties the request named, in its order.
    public func callAsFunction(_ status: Status, application: String = "", device: String = "", asDevice: String = "",
                               properties: [[UInt8]] = []) {
        withPluginBuffers([application, device, asDevice]) { b in
            withLentChain(properties) { values in
                var result = trib_type_plugin_device_auth_result(
                    struct_size: UInt32(MemoryLayout<trib_type_plugin_device_auth_result>.size), status: status.rawValue,
                    application: b[0], device: b[1], as_device: b[2],
                    properties: values.baseAddress, property_count: values.count)
                host.api.pointee.complete_device_auth(host.instance, operation, &result)
            }
        }
    }
}

extension AuthenticatorReply where Kind == UserAuthAnswer {
    /// `expiresAt`: when the credential ends, seconds since the epoch (0: never); sessions opened
    /// on it close then.
    public func callAsFunction(_ status: Status, user: String = "", roles: [String] = [], expiresAt: Int64 = 0) {
        withPluginBuffers([user] + roles) { b in
            let roleBuffers = Array(b.dropFirst())
            roleBuffers.withUnsafeBufferPointer { roles in
                var result = trib_type_plugin_user_auth_result(
                    struct_size: UInt32(MemoryLayout<trib_type_plugin_user_auth_result>.size), status: status.rawValue,
                    user: b[0], roles: roles.baseAddress, role_count: roles.count, expires_at: expiresAt)
                host.api.pointee.complete_user_auth(host.instance, operation, &result)
            }
        }
    }
}

extension AuthenticatorReply where Kind == AuthorizeAnswer {
    public func callAsFunction(_ status: Status) {
        host.api.pointee.complete_authorize(host.instance, operation, status.rawValue)
    }
}
