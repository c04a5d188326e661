/// The events of one request and how often it has failed.
struct RequestAttempt: Sendable {
    var events: [OutgoingEvent]
    var failures = 0
}
