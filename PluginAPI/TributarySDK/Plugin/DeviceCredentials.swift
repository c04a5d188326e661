/// Drogue's device authentication matrix for request-style endpoints (the credentials table in
/// README.md, "HTTP"; CoAP's option 4209 carries the same `Basic` value): which application,
/// device and credential a request presents, from the Basic user name, the `application` and
/// `device` query parameters and the client certificate chain (leaf first).
public enum DeviceCredentials {
    /// nil when the request presents no usable credential (answered 401 / 4.01).
    public static func request(application: String?, device: String?, asDevice: String?, authorization: String?,
                               certificates: [[UInt8]]) -> DeviceAuthRequest? {
        let asDevice = asDevice ?? ""
        guard let authorization else {
            // A client certificate alone: the authenticator finds application and device in it.
            guard !certificates.isEmpty, application == nil, device == nil else { return nil }
            return DeviceAuthRequest(application: "", device: "", asDevice: asDevice, credential: .certificate(chain: certificates))
        }
        guard certificates.isEmpty, let (user, password) = basic(authorization) else { return nil }
        switch (application, device) {
        case (nil, nil):
            guard let name = DeviceUsername(user) else { return nil }
            return DeviceAuthRequest(application: name.application, device: name.device, asDevice: asDevice,
                                     credential: .password(password))
        case (let application?, nil):
            return DeviceAuthRequest(application: application, device: user, asDevice: asDevice, credential: .password(password))
        case (let application?, let device?):
            return DeviceAuthRequest(application: application, device: device, asDevice: asDevice,
                                     credential: .usernamePassword(username: user, password: password))
        case (nil, let device?):
            guard let at = user.firstIndex(of: "@") else { return nil }
            return DeviceAuthRequest(application: String(user[user.index(after: at)...]), device: device, asDevice: asDevice,
                                     credential: .usernamePassword(username: String(user[..<at]), password: password))
        }
    }

    /// The user and password of a `Basic` credential (`Basic base64(user:password)`).
    public static func basic(_ header: String) -> (user: String, password: String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Base64.decode(String(parts[1].drop { $0 == " " })),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let user = String(decoding: decoded[..<colon], as: UTF8.self)
        let password = String(decoding: decoded[(colon + 1)...], as: UTF8.self)
        return user.isEmpty ? nil : (user, password)
    }
}
