import Synchronization

/// The listeners adapters reported through `trib_host_listening`: what they really bound, which
/// is the only way to learn a port when the configuration asked for port 0. Served as
/// `GET /listeners`; an instance's entries go when it is destroyed.
public final class ListenerDirectory: Sendable {
    public struct Listener: Sendable, Equatable {
        public let instance: String
        public let label: String
        public let address: String
    }

    private let entries = Mutex<[(owner: ObjectIdentifier, listener: Listener)]>([])

    public init() {}

    func add(owner: ObjectIdentifier, _ listener: Listener) {
        entries.withLock { $0.append((owner, listener)) }
    }

    func removeAll(owner: ObjectIdentifier) {
        entries.withLock { $0.removeAll { $0.owner == owner } }
    }

    /// In report order, so an instance's listeners stay together.
    public var all: [Listener] { entries.withLock { $0.map(\.listener) } }

    /// `[{"instance":...,"label":...,"address":...}, ...]`
    public var json: String {
        let objects = all.map { "{\"instance\":\(quoted($0.instance)),\"label\":\(quoted($0.label)),\"address\":\(quoted($0.address))}" }
        return "[" + objects.joined(separator: ",") + "]"
    }
}
