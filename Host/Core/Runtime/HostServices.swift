/// The shared machinery every instance reaches through its host callbacks.
public final class HostServices: Sendable {
    public let registry: MetricsRegistry
    let bus: ApplicationEventBus
    let router: Router
    let commands: CommandBus
    let authenticators: AuthenticatorChain
    public let listeners = ListenerDirectory()

    public init(normalizer: EventNormalizer, registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        bus = ApplicationEventBus()
        router = Router(normalizer: normalizer, bus: bus, registry: registry)
        commands = CommandBus(registry: registry)
        authenticators = AuthenticatorChain(registry: registry)
    }
}
