/// A device message an adapter publishes (`trib_type_message`), before the host normalizes it.
public struct OutgoingMessage: Sendable {
    public var application: String
    /// The device the data is about (the `as` device when a gateway publishes for it).
    public var device: String
    /// The authenticated device; empty means `device`.
    public var sender: String
    public var channel: String
    public var contentType: String
    public var payload: [UInt8]
    public var dataSchema: String
    /// The device's own time; 0 means the time of receipt.
    public var timeUnixNanoseconds: Int64
    public var extensions: [(name: String, value: String)]
    /// A connection event (`io.drogue.connection.v1`).
    public var isConnectionEvent: Bool

    public init(application: String, device: String, sender: String = "", channel: String, contentType: String = "",
                payload: [UInt8], dataSchema: String = "", timeUnixNanoseconds: Int64 = 0,
                extensions: [(name: String, value: String)] = [], isConnectionEvent: Bool = false) {
        self.application = application
        self.device = device
        self.sender = sender
        self.channel = channel
        self.contentType = contentType
        self.payload = payload
        self.dataSchema = dataSchema
        self.timeUnixNanoseconds = timeUnixNanoseconds
        self.extensions = extensions
        self.isConnectionEvent = isConnectionEvent
    }
}
