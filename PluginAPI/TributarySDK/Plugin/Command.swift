/// A command on its way to a device (`trib_type_command`).
public struct Command: Sendable, Equatable {
    public var application: String
    public var device: String
    public var name: String
    public var contentType: String
    public var payload: [UInt8]

    public init(application: String, device: String, name: String, contentType: String = "", payload: [UInt8]) {
        self.application = application
        self.device = device
        self.name = name
        self.contentType = contentType
        self.payload = payload
    }
}
