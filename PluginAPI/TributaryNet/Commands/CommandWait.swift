import Synchronization
import TributarySDK

/// A device's wait for a command after a publish (Drogue's `ct`, HTTP and CoAP alike): a live
/// command route for the device until the first command arrives or the time is up. `answer` runs
/// exactly once, with the command or with nil at the deadline, on the sender's thread or on
/// `loop`; the route ends with it.
public final class CommandWait: Sendable {
    private let host: PluginHost
    private let answer: @Sendable (Command?) -> Void
    private let route = Mutex<UInt64?>(nil)
    private let done = Atomic<Bool>(false)

    private init(host: PluginHost, answer: @escaping @Sendable (Command?) -> Void) {
        self.host = host
        self.answer = answer
    }

    /// Subscribes only now, after the sinks took the event, as Drogue does: a command sent
    /// earlier is not seen. When the host refuses the route, `answer(nil)` runs at once.
    public static func start(host: PluginHost, application: String, device: String, seconds: Int64, loop: EventLoop,
                             answer: @escaping @Sendable (Command?) -> Void) {
        let wait = CommandWait(host: host, answer: answer)
        guard let id = host.addCommandRoute(application: application, device: device, handler: { command in
            wait.finish(command) ? .ok : .notFound
        }) else {
            return answer(nil)
        }
        // A command may have come (and finished the wait) before the id was stored here.
        let finished = wait.route.withLock { route in
            guard !wait.done.load(ordering: .acquiring) else { return true }
            route = id
            return false
        }
        if finished { return host.removeCommandRoute(id) }
        loop.execute {
            loop.scheduleTimer(afterMilliseconds: seconds * 1000) { _ = wait.finish(nil) }
        }
    }

    /// The first of a command and the deadline wins; a later command is declined so that
    /// another route may take it.
    private func finish(_ command: Command?) -> Bool {
        guard !done.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        answer(command)
        if let id = route.withLock({ route in defer { route = nil }; return route }) { host.removeCommandRoute(id) }
        return true
    }
}
