/// Why the admin endpoint could not start.
public struct AdminError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
