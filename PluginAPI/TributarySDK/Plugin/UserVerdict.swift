/// What user authentication answered.
public struct UserVerdict: Sendable, Equatable {
    public var status: Status
    public var user: String
    public var roles: [String]
    /// When the credential stops being valid, seconds since the Unix epoch (a token's `exp`);
    /// 0 when it does not expire, or the host is older than ABI 1.3. A session kept open on this
    /// verdict ends then.
    public var expiresAt: Int64

    public init(status: Status, user: String = "", roles: [String] = [], expiresAt: Int64 = 0) {
        self.status = status
        self.user = user
        self.roles = roles
        self.expiresAt = expiresAt
    }
}
