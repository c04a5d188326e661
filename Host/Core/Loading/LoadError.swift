/// Why a plugin library was refused; `description` names the file and the cause.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public var description: String { "\(file): \(reason)" }
}
