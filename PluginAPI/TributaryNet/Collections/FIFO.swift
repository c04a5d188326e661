/// A first-in, first-out queue over an array with a moving head: O(1) amortized at both ends,
/// with the consumed prefix reclaimed once it is the larger part. Not thread-safe; queues in the
/// runtime and in plugins live on one loop or behind one lock.
///
/// Inlinable, so plugins get it specialized for their element type (a public generic type used
/// from another module otherwise runs unspecialized).
public struct FIFO<Element> {
    @usableFromInline var storage: [Element] = []
    @usableFromInline var head = 0

    @inlinable public init() {}

    @inlinable public var count: Int { storage.count - head }
    @inlinable public var isEmpty: Bool { head == storage.count }
    @inlinable public var first: Element? { isEmpty ? nil : storage[head] }
    @inlinable public var last: Element? { isEmpty ? nil : storage[storage.count - 1] }

    @inlinable public mutating func append(_ element: Element) { storage.append(element) }

    /// Puts `element` at the front (a request going back to the head of a queue).
    @inlinable public mutating func prepend(_ element: Element) {
        if head > 0 {
            head -= 1
            storage[head] = element
        } else {
            storage.insert(element, at: 0)
        }
    }

    @inlinable public mutating func popFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.count <= 4096)
            head = 0
        } else if head > 1024 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Empties the queue, returning what it held in order.
    @inlinable public mutating func removeAll() -> [Element] {
        let rest = Array(storage[head...])
        storage.removeAll()
        head = 0
        return rest
    }
}
