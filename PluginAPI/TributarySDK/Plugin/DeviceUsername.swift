/// The `device@application` user name a device authenticates with, by one rule for every
/// adapter (HTTP Basic, MQTT CONNECT): split at the first `@`; the device part is
/// percent-decoded, the application part taken as written. This is Drogue's `Username::from`
/// (endpoint-common `auth.rs`), which both its HTTP and MQTT endpoints use: a device whose name
/// holds `@`, `:` or a space can still say it (`dev%40home@app` is device `dev@home`), and an
/// application name cannot hold `@` anyway. A device part that does not decode (a malformed
/// escape, bytes that are not UTF-8) is taken as written, so it simply names no device.
public struct DeviceUsername: Equatable, Sendable {
    public let device: String
    public let application: String

    /// nil when `username` has no `@`.
    public init?(_ username: String) {
        guard let at = username.firstIndex(of: "@") else { return nil }
        let written = String(username[..<at])
        device = PercentEncoding.decode(written) ?? written
        application = String(username[username.index(after: at)...])
    }
}
