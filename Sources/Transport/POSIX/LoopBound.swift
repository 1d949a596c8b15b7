/// Carries a loop-confined value through a `@Sendable` closure. Reading it anywhere but on
/// its loop's thread traps, which is what makes the unchecked conformance honest.
struct LoopBound<Value>: @unchecked Sendable {
    let loop: EventLoop
    private let storage: Value

    init(_ value: Value, loop: EventLoop) {
        self.loop = loop
        self.storage = value
    }

    var value: Value {
        precondition(loop.inEventLoop, "loop-bound value used off its event loop")
        return storage
    }
}
