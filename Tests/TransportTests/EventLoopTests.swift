import Synchronization
import Testing
@testable import Transport

struct EventLoopTests {
    @Test func timersFireInDeadlineOrderAndCancelledOnesNever() async throws {
        let loop = EventLoopGroup.shared.next()
        let fired = Mutex<[Int]>([])
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            loop.execute {
                let record = { (value: Int) in fired.withLock { $0.append(value) } }
                loop.schedule(after: .milliseconds(60)) { record(3) }
                loop.schedule(after: .milliseconds(20)) { record(1) }
                let cancelled = loop.schedule(after: .milliseconds(30)) { record(99) }
                loop.schedule(after: .milliseconds(40)) { record(2) }
                loop.cancel(cancelled)
                loop.schedule(after: .milliseconds(80)) { continuation.resume() }
            }
        }
        #expect(fired.withLock { $0 } == [1, 2, 3])
    }

    @Test func tasksRunOnTheLoopThreadInOrder() async throws {
        let loop = EventLoopGroup.shared.next()
        let seen = Mutex<[Int]>([])
        for index in 0..<100 {
            loop.execute {
                precondition(loop.inEventLoop)
                seen.withLock { $0.append(index) }
            }
        }
        let onLoop = try await loop.submit { loop.inEventLoop }
        #expect(onLoop)
        #expect(!loop.inEventLoop)
        #expect(seen.withLock { $0 } == Array(0..<100))
    }

    @Test func enqueuedTasksRunAfterWakeUpInOrderWithExecutedOnes() async throws {
        let loop = EventLoopGroup.shared.next()
        let seen = Mutex<[Int]>([])
        for index in 0..<50 {
            loop.enqueue { seen.withLock { $0.append(index) } }
        }
        loop.execute { seen.withLock { $0.append(50) } }
        loop.enqueue { seen.withLock { $0.append(51) } }
        loop.wakeUp()
        loop.wakeUp()
        let done = try await loop.submit { seen.withLock { $0 } }
        #expect(done == Array(0...51))
    }
}
