import Synchronization
import TributaryNet
import TributarySDK

/// A device's long poll for a command (`ct` seconds after a publish): a live command route for
/// the device until the first command arrives (200, `command` header, the payload as body) or the
/// time is up (202). Either ends the route.
final class CommandWait: Sendable {
    private let responder: HTTPResponder
    private let host: PluginHost
    private let route = Mutex<UInt64?>(nil)
    private let done = Atomic<Bool>(false)

    private init(host: PluginHost, responder: HTTPResponder) {
        self.host = host
        self.responder = responder
    }

    static func start(host: PluginHost, application: String, device: String, seconds: Int64, responder: HTTPResponder) {
        let wait = CommandWait(host: host, responder: responder)
        guard let id = host.addCommandRoute(application: application, device: device, handler: { command in
            wait.deliver(command) ? .ok : .notFound
        }) else {
            return responder.respond(Responses.empty(202))
        }
        wait.route.withLock { $0 = id }
        let loop = responder.loop
        loop.execute {
            loop.scheduleTimer(afterMilliseconds: seconds * 1000) { wait.expire() }
        }
    }

    /// Takes the first command; later ones are declined so another route may take them.
    private func deliver(_ command: Command) -> Bool {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        var headers: HTTPHeaders = [:]
        try? headers.add(name: "command", value: command.name)
        if !command.contentType.isEmpty { try? headers.add(name: "Content-Type", value: command.contentType) }
        responder.respond(HTTPResponse(status: 200, headers: headers, body: command.payload))
        endRoute()
        return true
    }

    private func expire() {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return }
        responder.respond(Responses.empty(202))
        endRoute()
    }

    private func endRoute() {
        if let id = route.withLock({ $0 }) { host.removeCommandRoute(id) }
    }
}
