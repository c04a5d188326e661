/// What device authentication answered.
public struct DeviceVerdict: Sendable, Equatable {
    public var status: Status
    public var application: String
    public var device: String
    public var asDevice: String
    /// One value per property the request named, in its order (JSON text; empty = absent).
    /// Empty on a refusal, and from a host or authenticator without properties (ABI 1.1).
    public var properties: [[UInt8]]

    public init(status: Status, application: String = "", device: String = "", asDevice: String = "", properties: [[UInt8]] = []) {
        self.status = status
        self.application = application
        self.device = device
        self.asDevice = asDevice
        self.properties = properties
    }

    /// The value of the property at `index` of the request's list, nil when absent.
    public func property(_ index: Int) -> [UInt8]? {
        index < properties.count && !properties[index].isEmpty ? properties[index] : nil
    }
}
