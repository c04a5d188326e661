/// A value that belongs to one event loop (a session, a connection's state), carried through
/// `@Sendable` completions that run on other threads. Every access checks that it happens on
/// that loop, so the compiler's missing proof becomes a check that traps at the first wrong
/// access instead of a silent data race (SwiftNIO's `NIOLoopBound` does the same).
///
/// Off the loop, the only thing to do with it is `execute`: hop to the loop, then use the value.
///
/// Inlinable: every session creates one per operation, and a generic type used from another
/// module without it runs unspecialized, instantiating `LoopBound<Session>` metadata per call.
public struct LoopBound<Value>: @unchecked Sendable {
    public let loop: EventLoop
    @usableFromInline let bound: Value

    /// Call on `loop`: the value is its from now on.
    @inlinable
    public init(_ value: Value, on loop: EventLoop) {
        precondition(loop.inEventLoop, "LoopBound created off its loop '\(loop.name)'")
        self.loop = loop
        bound = value
    }

    /// The value; traps when called off its loop.
    @inlinable
    public var value: Value {
        precondition(loop.inEventLoop, "LoopBound accessed off its loop '\(loop.name)'")
        return bound
    }

    /// Runs `body` with the value on its loop, always later (never inside the caller), so a
    /// completion that arrives synchronously on the loop does not re-enter the code that started
    /// the operation.
    @inlinable
    public func execute(_ body: @escaping @Sendable (Value) -> Void) {
        loop.execute { body(self.value) }
    }
}
