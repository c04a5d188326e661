import CTributary

/// The three kinds of plugin (`trib_type_plugin_kind`).
public enum PluginKind: Sendable, Equatable {
    case adapter, authenticator, sink

    init?(_ raw: UInt32) {
        switch raw {
        case TRIB_KIND_ADAPTER.rawValue: self = .adapter
        case TRIB_KIND_AUTHENTICATOR.rawValue: self = .authenticator
        case TRIB_KIND_SINK.rawValue: self = .sink
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .adapter: "adapter"
        case .authenticator: "authenticator"
        case .sink: "sink"
        }
    }
}
