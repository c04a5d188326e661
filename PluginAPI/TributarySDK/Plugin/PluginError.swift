/// A failure a Swift plugin reports to the host: a status and a one-line, human-readable reason.
///
/// The export glue turns a thrown `PluginError` into the hook's status code and copies `message`
/// into the host's error buffer, so no Swift error ever crosses the C boundary.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    public var status: Status
    public var message: String

    public init(_ message: String, status: Status = .config) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}
