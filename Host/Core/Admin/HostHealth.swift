import Synchronization

/// What `/readyz` and `/healthz` report: the host's phase, and the drop-ins that should run but
/// do not (an instance that failed to be created or to start, a file that did not parse), each
/// with its reason, until a reload starts them or they leave the configuration.
public final class HostHealth: Sendable {
    public enum Phase: Sendable {
        case starting, serving, stopping
    }

    private struct State {
        var phase = Phase.starting
        /// Keyed by instance name (or by file, for a drop-in that did not parse).
        var notRunning: [String: String] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func set(_ phase: Phase) { state.withLock { $0.phase = phase } }

    public var phase: Phase { state.withLock { $0.phase } }

    /// Ready: serving, and every enabled drop-in runs.
    public var isReady: Bool { state.withLock { $0.phase == .serving && $0.notRunning.isEmpty } }

    /// The drop-ins that should run and do not, with why, sorted by name.
    public var notRunning: [(name: String, reason: String)] {
        state.withLock { $0.notRunning.sorted { $0.key < $1.key }.map { (name: $0.key, reason: $0.value) } }
    }

    func failed(_ name: String, _ reason: String) { state.withLock { $0.notRunning[name] = reason } }

    func runs(_ name: String) { state.withLock { _ = $0.notRunning.removeValue(forKey: name) } }

    /// Keeps only the failures of `names` (what the configuration still asks for).
    func forgetAllBut(_ names: Set<String>) {
        state.withLock { $0.notRunning = $0.notRunning.filter { names.contains($0.key) } }
    }
}
