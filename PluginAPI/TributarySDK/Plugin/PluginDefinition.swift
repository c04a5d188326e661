/// Everything the host learns about a Swift plugin, and how to make its instances.
public struct PluginDefinition: Sendable {
    public enum Kind: Sendable {
        case adapter
        case authenticator
        /// `maxBatch`: largest batch wanted. `serialDelivery`: no concurrent `deliver` calls.
        case sink(maxBatch: UInt32 = 1, serialDelivery: Bool = false)
    }

    public typealias Factory = @Sendable (PluginHost, PluginConfig) throws(PluginError) -> any PluginInstance

    public var name: String
    public var version: String
    public var description: String
    public var kind: Kind
    public var make: Factory

    public init(name: String, version: String, description: String, kind: Kind, make: @escaping Factory) {
        self.name = name
        self.version = version
        self.description = description
        self.kind = kind
        self.make = make
    }
}
