/// The shared machinery every instance reaches through its host callbacks.
public final class HostServices: Sendable {
    public let registry: MetricsRegistry
    let bus: ApplicationEventBus
    let router: Router
    let commands: CommandBus
    let authenticators: AuthenticatorChain
    let busBudget: BusBudget
    public let listeners = ListenerDirectory()
    public let healthReports = InstanceHealthReports()

    public init(normalizer: EventNormalizer, registry: MetricsRegistry = MetricsRegistry(), busMemoryBytes: Int64 = HostSettings().busMemoryBytes) {
        self.registry = registry
        busBudget = BusBudget(limit: Int(busMemoryBytes), gauge: registry.busQueuedBytes)
        bus = ApplicationEventBus()
        router = Router(normalizer: normalizer, bus: bus, registry: registry)
        commands = CommandBus(registry: registry)
        authenticators = AuthenticatorChain(registry: registry)
    }
}
