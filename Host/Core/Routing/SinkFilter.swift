/// Which events a sink wants: by application and by channel; an empty list matches everything.
public struct SinkFilter: Sendable, Equatable {
    public var applications: Set<String>
    public var channels: Set<String>

    public init(applications: Set<String> = [], channels: Set<String> = []) {
        self.applications = applications
        self.channels = channels
    }

    public func matches(application: String, channel: String) -> Bool {
        (applications.isEmpty || applications.contains(application)) && (channels.isEmpty || channels.contains(channel))
    }
}
