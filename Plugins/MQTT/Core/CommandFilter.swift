/// The command subscriptions a device may make (Drogue's forms).
enum CommandFilter: Equatable {
    /// `command/inbox//#`: the device itself.
    case own
    /// `command/inbox/#` or `command/inbox/+/#`: itself and the devices it is a gateway for.
    case ownAndGateway
    /// `command/inbox/{device}/#`.
    case device(String)
    case unsupported

    init(_ filter: String) {
        switch filter {
        case "command/inbox//#": self = .own
        case "command/inbox/#", "command/inbox/+/#": self = .ownAndGateway
        default:
            let segments = filter.split(separator: "/", omittingEmptySubsequences: false)
            if segments.count == 4, segments[0] == "command", segments[1] == "inbox", !segments[2].isEmpty,
               segments[2] != "+", segments[2] != "#", segments[3] == "#" {
                self = .device(String(segments[2]))
            } else {
                self = .unsupported
            }
        }
    }
}
