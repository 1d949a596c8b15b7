@testable import Server
import Orchestrator
import Testing

/// The reconnect schedule of `bulkops jobs watch` and its bookkeeping of seen events, without sleeping.
@Suite struct ReconnectBackoffTests {
    @Test func waitsDoubleUpToTheMaximumAndStopAtTheGiveUpTime() {
        let lost = ContinuousClock.now
        var backoff = ReconnectBackoff(policy: .init(), lostAt: lost)
        var now = lost
        var waits: [Duration] = []
        while let wait = backoff.nextWait(now: now) {
            waits.append(wait)
            now += wait
        }
        #expect(Array(waits.prefix(7)) == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
                                           .seconds(4), .seconds(5), .seconds(5)])
        #expect(waits.dropFirst(5).dropLast().allSatisfy { $0 == .seconds(5) })
        #expect(now == lost + .seconds(60), "the last try falls on the give-up time")
        #expect(backoff.attempts == waits.count)
        #expect(backoff.nextWait(now: lost + .seconds(61)) == nil)
    }

    @Test func aTryNeverRunsFarPastTheGiveUpTime() {
        let lost = ContinuousClock.now
        let backoff = ReconnectBackoff(policy: .init(), lostAt: lost)
        #expect(backoff.attemptTimeout(now: lost) == .seconds(10))
        #expect(backoff.attemptTimeout(now: lost + .seconds(57)) == .seconds(3))
        #expect(backoff.attemptTimeout(now: lost + .seconds(60)) == .seconds(1))
    }

    @Test func noGiveUpTimeMeansNoTry() {
        var policy = ReconnectBackoff.Policy()
        policy.giveUpAfter = .zero
        let lost = ContinuousClock.now
        var backoff = ReconnectBackoff(policy: policy, lostAt: lost)
        #expect(backoff.nextWait(now: lost) == nil)
    }

    @Test func seenEventsAreDroppedAndSinceCoversUnfinishedJobs() {
        func job(_ id: String, _ state: String, _ seq: Int) -> JSONValue {
            ["id": .string(id), "state": .string(state), "seq": .number(Double(seq))]
        }
        var jobs = WatchedJobs()
        jobs.noteSnapshot(job("job_a", "running", 5))
        var accepted: [Bool] = []
        for (id, state, seq) in [("job_a", "running", 6), ("job_a", "running", 6), ("job_a", "running", 4),
                                 ("job_b", "running", 2), ("job_c", "succeeded", 9)] {
            accepted.append(jobs.accept(job(id, state, seq)))
        }
        #expect(accepted == [true, false, false, true, true], "a replay overlapping what arrived is dropped")
        #expect(jobs.since == ["job_a": 6, "job_b": 2], "a finished job has nothing left to miss")
        jobs.noteSnapshot(job("job_b", "cancelled", 3))
        #expect(jobs.since == ["job_a": 6])
        #expect(jobs.contains("job_c") && !jobs.contains("job_d"))
    }
}
