/// Everything the host learns about a Swift plugin, and how to make its instances.
public struct PluginDefinition: Sendable {
    public enum Kind: Sendable {
        case adapter
        case authenticator
        /// `maxBatch`: largest batch wanted. `serialDelivery`: no concurrent `deliver` calls.
        /// `maxInFlight`: deliveries pending at once; past it the host queues and coalesces events
        /// (0: no bound, every event delivered at once). See `trib_type_sink_hooks`.
        case sink(maxBatch: UInt32 = 1, serialDelivery: Bool = false, maxInFlight: UInt32 = 0)
    }

    public typealias Factory = @Sendable (PluginHost, PluginConfig) throws(PluginError) -> any PluginInstance

    public var name: String
    public var version: String
    public var description: String
    public var kind: Kind
    /// The oldest host ABI minor the plugin needs (the descriptor's `abi_minor`): 0 unless it
    /// cannot work without something a newer minor added. The SDK's wrappers of newer callbacks
    /// check the host's table themselves (``PluginHost/canLookUpPSK``).
    public var abiMinor: UInt32
    public var make: Factory

    public init(name: String, version: String, description: String, kind: Kind, abiMinor: UInt32 = 0,
                make: @escaping Factory) {
        self.name = name
        self.version = version
        self.description = description
        self.kind = kind
        self.abiMinor = abiMinor
        self.make = make
    }
}
