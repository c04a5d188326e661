/// The event subscriptions of the integration: `app/{app}` (also `a/` and `application/`),
/// optionally shared as `$share/{group}/...` (or the legacy `$shared/`).
struct EventFilter: Equatable {
    let application: String
    let group: String?
    /// The topic events are delivered on: the filter without its share prefix.
    let deliveryTopic: String

    init?(_ filter: String) {
        var segments = filter.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var group: String?
        if segments.count >= 2, segments[0] == "$share" || segments[0] == "$shared" {
            guard !segments[1].isEmpty else { return nil }
            group = segments[1]
            segments.removeFirst(2)
        }
        guard segments.count == 2, ["app", "a", "application"].contains(segments[0]), !segments[1].isEmpty,
              !segments[1].contains("+"), !segments[1].contains("#") else { return nil }
        application = segments[1]
        self.group = group
        deliveryTopic = segments.joined(separator: "/")
    }
}
