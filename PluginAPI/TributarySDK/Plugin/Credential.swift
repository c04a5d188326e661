import CTributary

/// A device credential as an adapter presents it (`trib_type_credential_kind`).
public enum DeviceCredential: Sendable, Equatable {
    case none
    case password(String)
    case usernamePassword(username: String, password: String)
    /// DER certificates, leaf first, as the TLS handshake presented them.
    case certificate(chain: [[UInt8]])
    case pskIdentity(String)
}

/// A user (application-side) credential.
public enum UserCredential: Sendable, Equatable {
    case bearerToken(String)
    case apiKey(username: String, key: String)
}

/// Drogue's permissions on an application, weakest first.
public enum Permission: UInt32, Sendable, Comparable, CaseIterable {
    case read = 1, write, admin, owner

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A device authentication request, copied out of the host's struct.
public struct DeviceAuthRequest: Sendable, Equatable {
    public var application: String
    public var device: String
    /// The device a gateway acts for, or empty.
    public var asDevice: String
    public var credential: DeviceCredential
    /// Registry properties the adapter wants in the verdict (ABI 1.2), e.g. `device:ttn` or
    /// `application:ttn`: see PROPERTIES in tributary.h.
    public var properties: [String]

    public init(application: String, device: String, asDevice: String = "", credential: DeviceCredential, properties: [String] = []) {
        self.application = application
        self.device = device
        self.asDevice = asDevice
        self.credential = credential
        self.properties = properties
    }

    public init(_ r: UnsafePointer<trib_type_device_auth_request>) {
        let request = r.pointee
        // A 1.1 host's request ends before `properties`.
        let end = MemoryLayout<trib_type_device_auth_request>.offset(of: \.property_count)! + MemoryLayout<Int>.size
        properties = Int(request.struct_size) >= end && request.properties != nil
            ? UnsafeBufferPointer(start: request.properties, count: request.property_count).map(\.string) : []
        application = request.application.string
        device = request.device.string
        asDevice = request.as_device.string
        switch request.credential_kind {
        case TRIB_CREDENTIAL_PASSWORD.rawValue: credential = .password(request.password.string)
        case TRIB_CREDENTIAL_USERNAME_PASSWORD.rawValue:
            credential = .usernamePassword(username: request.username.string, password: request.password.string)
        case TRIB_CREDENTIAL_CERTIFICATE.rawValue:
            let chain = UnsafeBufferPointer(start: request.certificates, count: request.certificates == nil ? 0 : request.certificate_count)
            credential = .certificate(chain: chain.map(\.bytes))
        case TRIB_CREDENTIAL_PSK_IDENTITY.rawValue: credential = .pskIdentity(request.username.string)
        default: credential = .none
        }
    }
}

/// A user authentication request.
public struct UserAuthRequest: Sendable, Equatable {
    public var credential: UserCredential?

    public init(credential: UserCredential?) { self.credential = credential }

    public init(_ r: UnsafePointer<trib_type_user_auth_request>) {
        let request = r.pointee
        switch request.credential_kind {
        case TRIB_CREDENTIAL_BEARER_TOKEN.rawValue: credential = .bearerToken(request.password.string)
        case TRIB_CREDENTIAL_API_KEY.rawValue: credential = .apiKey(username: request.username.string, key: request.password.string)
        default: credential = nil
        }
    }
}

/// May `user` (with `roles`) act on `application` with `permission`? An empty user is anonymous.
public struct AuthorizeRequest: Sendable, Equatable {
    public var user: String
    public var roles: [String]
    public var application: String
    public var permission: Permission

    public init(user: String, roles: [String] = [], application: String, permission: Permission) {
        self.user = user
        self.roles = roles
        self.application = application
        self.permission = permission
    }

    public init(_ r: UnsafePointer<trib_type_authorize_request>) {
        let request = r.pointee
        user = request.user.string
        roles = UnsafeBufferPointer(start: request.roles, count: request.roles == nil ? 0 : request.role_count).map(\.string)
        application = request.application.string
        permission = Permission(rawValue: request.permission) ?? .owner
    }
}
