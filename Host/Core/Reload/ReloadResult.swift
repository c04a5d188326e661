import Foundation

/// What a reload did, or why it was refused; the answer of `POST /reload` and the last line of
/// `/healthz`.
public struct ReloadResult: Sendable, Equatable {
    /// Everything the new set asks for runs.
    public var applied: Bool
    /// The running set was modified (false: refused while validating, nothing touched).
    public var changed = false
    public var errors: [String] = []
    public var started: [String] = []
    public var replaced: [String] = []
    public var stopped: [String] = []
    public var unchanged: [String] = []
    /// Drop-ins of the new set that do not run after it (their reasons are in `errors`).
    public var notRunning: [String] = []
    public var finishedAt = Date()

    var changes: String {
        "started \(started), replaced \(replaced), stopped \(stopped), \(unchanged.count) unchanged"
    }

    public var json: String {
        func list(_ items: [String]) -> String { "[" + items.map(quoted).joined(separator: ",") + "]" }
        return "{\"applied\":\(applied),\"changed\":\(changed),\"errors\":\(list(errors)),\"notRunning\":\(list(notRunning)),\"started\":\(list(started)),\"replaced\":\(list(replaced)),"
            + "\"stopped\":\(list(stopped)),\"unchanged\":\(list(unchanged))}"
    }
}
