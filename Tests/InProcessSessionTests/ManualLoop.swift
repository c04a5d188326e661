import Dispatch
import TributaryNet
import TributarySDK

/// A started event loop on a `ManualClock`: tests run code on it and wait (`sync`), and move its
/// time (`advance`) instead of sleeping.
final class ManualLoop {
    let clock = ManualClock()
    let loop: EventLoop

    init() throws {
        loop = try EventLoop(name: "manual-loop", clock: clock)
        loop.start()
    }

    deinit { loop.stop() }

    /// Runs `body` on the loop and returns its result once it ran. The loop releases `body`, so
    /// it must not capture this object (the loop would end up stopping itself).
    func sync<Result>(_ body: @escaping () -> Result) -> Result {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox(body)
        loop.execute {
            box.run()
            done.signal()
        }
        done.wait()
        return box.result!
    }

    /// Moves the loop's time; the timers that fell due have fired, and what they scheduled has
    /// run, when this returns.
    func advance(milliseconds: Int64) {
        let clock = clock
        sync { clock.advance(byMilliseconds: milliseconds) }
        sync {}
        sync {}
    }

    func advance(seconds: Double) { advance(milliseconds: Int64(seconds * 1000)) }
}

/// Carries a loop-only closure and its result across the `@Sendable` task boundary: the test
/// thread waits while the loop runs it.
private final class ResultBox<Result>: @unchecked Sendable {
    let body: () -> Result
    var result: Result?

    init(_ body: @escaping () -> Result) { self.body = body }

    func run() { result = body() }
}
