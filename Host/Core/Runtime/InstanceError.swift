/// Why one instance could not be created or started; `description` names its drop-in file.
public struct InstanceError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String

    public var description: String { "\(file): \(message)" }
}
