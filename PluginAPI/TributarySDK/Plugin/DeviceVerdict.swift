/// What device authentication answered.
public struct DeviceVerdict: Sendable, Equatable {
    public var status: Status
    public var application: String
    public var device: String
    public var asDevice: String

    public init(status: Status, application: String = "", device: String = "", asDevice: String = "") {
        self.status = status
        self.application = application
        self.device = device
        self.asDevice = asDevice
    }
}
