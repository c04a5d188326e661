/// What a reload will do to the running set, decided after every new or changed instance has been
/// created (validated) and before anything running is touched; ``HostRuntime/apply(_:deadline:)``
/// carries it out action by action, in this order:
///
/// 1. removed adapters stop, while the sinks they publish to still run;
/// 2. authenticators: new ones start; the chain is swapped in one step; the replaced and
///    removed ones stop (requests in progress finish on the old chain);
/// 3. sinks: a new one starts and, if it replaces one, takes its traffic in one step while the
///    old one drains and hands over what it holds;
/// 4. adapters: a changed one stops first (the new one needs its ports), then the new one starts;
/// 5. removed sinks drain and stop.
struct ReloadPlan {
    enum StopReason: Equatable {
        /// Its drop-in is gone or disabled.
        case removed
        /// A new instance of the same drop-in takes over.
        case replaced
    }

    enum Action {
        /// Runs on as it is.
        case keep(RunningInstance)
        /// A created instance starts. `replacing` (same name and kind): a sink hands over to it at
        /// once; an authenticator and an adapter have their own `stop` (after the chain swap, and
        /// before this start, which needs the adapter's ports).
        case start(RunningInstance, replacing: RunningInstance?)
        /// The authenticator chain becomes the kept and started authenticators, in order.
        case swapAuthenticators
        /// Drains and destroys an instance.
        case stop(RunningInstance, StopReason)
    }

    private(set) var actions: [Action] = []

    /// The instances created for the new set (to destroy if the plan is abandoned).
    var created: [RunningInstance] {
        actions.compactMap { if case .start(let instance, _) = $0 { instance } else { nil } }
    }

    /// `desired`: for every enabled drop-in of the new set, in drop-in order, the instance that
    /// runs on (`kept`) or the one created for it (`created`, and what it replaces by name).
    init(running: [RunningInstance], desired: [(kept: RunningInstance?, created: RunningInstance?)]) {
        let kept = desired.compactMap(\.kept)
        let replaced: [(new: RunningInstance, old: RunningInstance?)] = desired.compactMap { entry in
            guard let new = entry.created else { return nil }
            let old = running.first { $0.config.name == new.config.name && $0.kind == new.kind }
            return (new, old)
        }
        let survivors = kept + replaced.compactMap(\.old)
        let removed = running.filter { instance in !survivors.contains { $0 === instance } }

        for instance in removed where instance.kind == .adapter { actions.append(.stop(instance, .removed)) }
        for kind in [PluginKind.authenticator, .sink, .adapter] {
            for entry in desired {
                if let instance = entry.kept, instance.kind == kind { actions.append(.keep(instance)) }
                guard let new = entry.created, new.kind == kind else { continue }
                let old = replaced.first { $0.new === new }?.old
                if kind == .adapter, let old { actions.append(.stop(old, .replaced)) }
                actions.append(.start(new, replacing: old))
            }
            if kind == .authenticator {
                actions.append(.swapAuthenticators)
                for entry in replaced where entry.new.kind == .authenticator {
                    if let old = entry.old { actions.append(.stop(old, .replaced)) }
                }
                for instance in removed where instance.kind == .authenticator { actions.append(.stop(instance, .removed)) }
            }
        }
        for instance in removed where instance.kind == .sink { actions.append(.stop(instance, .removed)) }
    }

    /// One line per action, for logs and tests: "stop adapter mqtt", "start sink kafka replacing kafka".
    var summary: [String] {
        actions.map { action in
            switch action {
            case .keep(let instance): "keep \(instance.kind.name) \(instance.config.name)"
            case .start(let instance, let old):
                "start \(instance.kind.name) \(instance.config.name)" + (old.map { " replacing \($0.config.name)" } ?? "")
            case .swapAuthenticators: "swap authenticators"
            case .stop(let instance, let reason):
                "stop \(instance.kind.name) \(instance.config.name)" + (reason == .replaced ? " (replaced)" : "")
            }
        }
    }
}
