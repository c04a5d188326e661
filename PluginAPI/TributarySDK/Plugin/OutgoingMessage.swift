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

/// What user authentication answered.
public struct UserVerdict: Sendable, Equatable {
    public var status: Status
    public var user: String
    public var roles: [String]

    public init(status: Status, user: String = "", roles: [String] = []) {
        self.status = status
        self.user = user
        self.roles = roles
    }
}
