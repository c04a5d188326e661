import MQTTCodec
import TributarySDK

/// Drogue's CONNECT authentication matrix (the table in README.md, "MQTT: device endpoint and
/// integration").
enum MQTTDeviceCredentials {
    /// nil when the CONNECT presents no usable credential.
    static func request(_ connect: MQTTPacket.Connect, certificates: [[UInt8]]) -> DeviceAuthRequest? {
        let password = connect.password.map { String(decoding: $0, as: UTF8.self) }
        switch (connect.username, password) {
        case (let user?, let password?):
            if let name = DeviceUsername(user) {
                return DeviceAuthRequest(application: name.application, device: name.device, credential: .password(password))
            }
            // A username/password credential; the client id names `device@application`.
            guard let at = connect.clientID.firstIndex(of: "@") else { return nil }
            return DeviceAuthRequest(application: String(connect.clientID[connect.clientID.index(after: at)...]),
                                     device: String(connect.clientID[..<at]),
                                     credential: .usernamePassword(username: user, password: password))
        case (nil, nil) where !certificates.isEmpty:
            return DeviceAuthRequest(application: "", device: "", credential: .certificate(chain: certificates))
        default:
            return nil
        }
    }
}
