import Synchronization

/// Counters split by one label (the application of a bus event), each created when first
/// counted, so an application that never drops an event adds no series.
public final class CounterFamily: Sendable {
    private let cells = Mutex<[String: Counter]>([:])

    public init() {}

    public func add(_ label: String, _ delta: Int64 = 1) {
        cells.withLock { cells in
            if let cell = cells[label] { return cell.add(delta) }
            let cell = Counter()
            cell.add(delta)
            cells[label] = cell
        }
    }

    /// The sum over every label.
    public var value: Int64 { cells.withLock { $0.values.reduce(0) { $0 + $1.value } } }

    /// (label, value) in label order, so the exposition is stable.
    public var samples: [(label: String, value: Int64)] {
        cells.withLock { $0.map { ($0.key, $0.value.value) } }.sorted { $0.label < $1.label }
    }
}
