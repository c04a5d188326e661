/// Carries a loop-bound value into a `@Sendable` completion that only touches it back on the loop.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
