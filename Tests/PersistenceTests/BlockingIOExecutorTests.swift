import Foundation
import Testing
@testable import Persistence

/// An actor pinned to a `BlockingIOExecutor`, as the engine's stores will be.
actor PinnedCounter {
    let executor: BlockingIOExecutor
    private var value = 0
    private var inside = false
    private(set) var overlaps = 0

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(executor: BlockingIOExecutor) {
        self.executor = executor
    }

    /// Where this method runs: the executor's thread-specific marker.
    func whereAmI() -> Bool { executor.isCurrent }

    func increment() -> Int {
        if inside { overlaps += 1 }
        inside = true
        value += 1
        let result = value
        inside = false
        return result
    }

    func current() -> Int { value }
}

struct ProbeError: Error, Equatable {}

@Suite struct BlockingIOExecutorTests {
    @Test func actorMethodsRunOnTheExecutorThreadNotThePool() async throws {
        let executor = BlockingIOExecutor(label: "test.blocking-io.actor")
        defer { executor.shutdown() }
        let counter = PinnedCounter(executor: executor)
        // why: the marker is set on the executor's own thread only; Foundation's Thread.current.name is not
        // reliable on Linux (it reported a pool queue's label in one run), so names are not compared
        #expect(await counter.whereAmI())
        #expect(executor.threadName == "test.blocking-i")
        // A plain task runs on the cooperative pool, where the marker must be absent.
        let outside = await Task.detached { executor.isCurrent }.value
        #expect(!outside)
        #expect(!executor.isCurrent)
    }

    @Test func concurrentCallersAreSerialized() async throws {
        let executor = BlockingIOExecutor(label: "test.blocking-io.serial")
        defer { executor.shutdown() }
        let counter = PinnedCounter(executor: executor)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<250 { _ = await counter.increment() } }
            }
        }
        #expect(await counter.current() == 2000)
        #expect(await counter.overlaps == 0)
    }

    @Test func runExecutesOnTheThreadAndReturnsOrThrows() async throws {
        let executor = BlockingIOExecutor(label: "bio.run")
        defer { executor.shutdown() }
        let result = try await executor.run { (executor.isCurrent, Thread.current.name) }
        #expect(result.0)
        #expect(result.1 == executor.threadName)
        await #expect(throws: ProbeError()) { try await executor.run { () throws -> Int in throw ProbeError() } }
    }

    @Test func assumeIsolatedPassesOnTheExecutorThread() async throws {
        let executor = BlockingIOExecutor(label: "test.blocking-io.isolation")
        defer { executor.shutdown() }
        let counter = PinnedCounter(executor: executor)
        // why: from `run`, the task is not on the actor, so assumeIsolated must consult checkIsolated().
        let value = try await executor.run { counter.assumeIsolated { $0.increment() } }
        #expect(value == 1)
    }

    @Test func shutdownFinishesQueuedWork() async throws {
        let executor = BlockingIOExecutor(label: "test.blocking-io.shutdown")
        async let slow = executor.run { () -> Int in
            usleep(20_000)
            return 42
        }
        try await Task.sleep(nanoseconds: 1_000_000)
        executor.shutdown()
        #expect(try await slow == 42)
    }
}
