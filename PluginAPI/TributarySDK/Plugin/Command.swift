/// A command on its way to a device (`trib_type_command`).
public struct Command: Sendable, Equatable {
    public var application: String
    public var device: String
    public var name: String
    public var contentType: String
    public var payload: [UInt8]
    /// Nonzero when the sender waits for the outcome (ABI 1.2): a route handler may then answer
    /// `.pending` and report it later with ``PluginHost/completeCommand(_:_:)``. Zero: nobody
    /// waits, so a handler answers `.ok` once it has taken the command.
    public var operation: UInt64

    public init(application: String, device: String, name: String, contentType: String = "", payload: [UInt8], operation: UInt64 = 0) {
        self.application = application
        self.device = device
        self.name = name
        self.contentType = contentType
        self.payload = payload
        self.operation = operation
    }
}
