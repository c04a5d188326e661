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
