import Synchronization

/// Where `deliver` (many threads) leaves events for the sender's loop (one thread), without a
/// lock: a Treiber stack that producers push onto with one compare-and-swap, and the consumer
/// empties with one exchange (then reverses, restoring arrival order). With several adapter
/// threads delivering at once, a mutex here made them queue up behind each other and sleep in
/// the kernel; a failed compare-and-swap just tries again.
///
/// `push` tells the producer whether the inbox was empty: exactly one push per empty-to-filled
/// transition returns true, and that producer schedules the consumer.
final class Inbox<Element: Sendable>: @unchecked Sendable {
    private final class Node {
        let element: Element
        var next: UnsafeMutableRawPointer?
        init(_ element: Element) { self.element = element }
    }

    private let head = Atomic<UnsafeMutableRawPointer?>(nil)

    deinit { _ = takeAll() }

    /// Adds `element`; true when the inbox was empty before.
    func push(_ element: Element) -> Bool {
        let node = Unmanaged.passRetained(Node(element))
        let pointer = node.toOpaque()
        var expected = head.load(ordering: .relaxed)
        while true {
            node.takeUnretainedValue().next = expected
            let (exchanged, current) = head.compareExchange(expected: expected, desired: pointer, ordering: .releasing)
            if exchanged { return expected == nil }
            expected = current
        }
    }

    /// Everything pushed so far, oldest first.
    func takeAll() -> [Element] {
        var pointer = head.exchange(nil, ordering: .acquiring)
        var elements: [Element] = []
        while let current = pointer {
            let node = Unmanaged<Node>.fromOpaque(current).takeRetainedValue()
            elements.append(node.element)
            pointer = node.next
        }
        elements.reverse()
        return elements
    }
}
