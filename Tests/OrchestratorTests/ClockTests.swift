import Foundation
import Orchestrator
import Testing

@Suite("Injected clocks")
struct ClockTests {
    @Test("ManualJobClock wakes exactly the sleepers whose deadline has come")
    func manualClock() async throws {
        let clock = ManualJobClock()
        let start = clock.now
        let early = Task { try await clock.sleep(until: start.addingTimeInterval(1)) }
        let late = Task { try await clock.sleep(until: start.addingTimeInterval(3)) }
        #expect(await eventually { clock.sleeperCount == 2 })
        #expect(clock.nextDeadline == start.addingTimeInterval(1))
        clock.advance(by: 0.5)
        #expect(clock.sleeperCount == 2)
        clock.advance(by: 0.5)
        try await early.value
        #expect(clock.sleeperCount == 1)
        #expect(clock.nextDeadline == start.addingTimeInterval(3))
        #expect(clock.now == start.addingTimeInterval(1))
        late.cancel()
        await #expect(throws: CancellationError.self) { try await late.value }
        #expect(clock.sleeperCount == 0)
        #expect(clock.nextDeadline == nil)
        // a deadline already past returns at once
        try await clock.sleep(until: start)
    }

    @Test("SystemJobClock: a deadline in the distant future sleeps (cancellably) instead of trapping")
    func systemClockFarFuture() async {
        let sleeper = Task { try await SystemJobClock().sleep(until: .distantFuture) }
        try? await Task.sleep(for: .milliseconds(5))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }

    @Test("SystemJobClock: a past deadline returns at once")
    func systemClockPast() async throws {
        try await SystemJobClock().sleep(until: Date(timeIntervalSinceNow: -10))
    }

    @Test("a job scheduled for the distant future waits and can be cancelled on the system clock")
    func distantSchedule() async throws {
        let supervisor = JobSupervisor(store: InMemoryJobStore(), operations: [TestOperation()], log: { _ in })
        let job = try await supervisor.create(Harness.request(["a"], scheduledFor: .distantFuture))
        #expect(job.state == .scheduled)
        try? await Task.sleep(for: .milliseconds(5))
        #expect(try await supervisor.cancel(job.id).state == .cancelled)
    }
}
