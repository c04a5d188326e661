import CTributary

/// A request travelling along the authenticator chain, copied from the adapter so it outlives
/// the adapter's call, and the verdict that ends it.
enum AuthRequest: Sendable {
    /// Indices: 0 application, 1 device, 2 as_device, 3 username, 4 password, 5... certificates,
    /// then the property names (ABI 1.2).
    case device(kind: UInt32, strings: CopiedBuffers, certificates: Int, properties: Int)
    /// Indices: 0 username, 1 password.
    case user(kind: UInt32, strings: CopiedBuffers)
    /// Indices: 0 user, 1 application, 2... roles.
    case authorize(permission: UInt32, strings: CopiedBuffers, roles: Int)
    /// Indices: 0 identity.
    case psk(strings: CopiedBuffers)

    /// Property names a request may ask for, and their length: a bound on what one request
    /// makes every authenticator look up and copy.
    static let maxProperties = 16
    static let maxPropertyNameBytes = 64

    /// Nil when the request asks for more properties, or longer names, than the header allows.
    init?(_ pointer: UnsafePointer<trib_type_plugin_device_auth_request>) {
        // A 1.1 adapter's request ends before `properties`.
        let r = AppendOnlyStruct.read(pointer)
        var strings = CopiedBuffers([r.application, r.device, r.as_device, r.username, r.password])
        let certificates = UnsafeBufferPointer(start: r.certificates, count: r.certificates == nil ? 0 : r.certificate_count)
        for certificate in certificates { strings.append(certificate) }
        let properties = UnsafeBufferPointer(start: r.properties, count: r.properties == nil ? 0 : r.property_count)
        guard properties.count <= Self.maxProperties, properties.allSatisfy({ $0.len <= Self.maxPropertyNameBytes }) else { return nil }
        for name in properties { strings.append(name) }
        self = .device(kind: r.credential_kind, strings: strings, certificates: certificates.count, properties: properties.count)
    }

    init(_ r: UnsafePointer<trib_type_plugin_user_auth_request>) {
        self = .user(kind: r.pointee.credential_kind, strings: CopiedBuffers([r.pointee.username, r.pointee.password]))
    }

    init(_ r: UnsafePointer<trib_type_plugin_authorize_request>) {
        var strings = CopiedBuffers([r.pointee.user, r.pointee.application])
        let roles = UnsafeBufferPointer(start: r.pointee.roles, count: r.pointee.roles == nil ? 0 : r.pointee.role_count)
        for role in roles { strings.append(role) }
        self = .authorize(permission: r.pointee.permission, strings: strings, roles: roles.count)
    }

    init(_ r: UnsafePointer<trib_type_plugin_psk_request>) {
        self = .psk(strings: CopiedBuffers([r.pointee.identity]))
    }

    /// What the chain answers when every authenticator deferred (or none is loaded).
    var verdictWhenAllDefer: Int32 {
        if case .authorize = self { return Int32(TRIB_ERR_DENIED) }
        return Int32(TRIB_ERR_UNAUTHENTICATED)
    }
}

/// A verdict, copied: status plus the names (device realm) or user and roles (user realm).
struct AuthVerdict: Sendable {
    var status: Int32
    /// Device realm: 0 application, 1 device, 2 as_device, 3... property values. User realm:
    /// 0 user, 1... roles. PSK lookups: 0 application, 1 device, 2 key.
    var strings = CopiedBuffers()
    var roleCount = 0
    /// User realm (ABI 1.3): when the credential ends, seconds since the epoch; 0 never.
    var expiresAt: Int64 = 0
}
