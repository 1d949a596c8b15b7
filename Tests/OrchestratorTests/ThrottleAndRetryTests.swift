import Foundation
import Orchestrator
import Testing

@Suite("Throttle and chunk back-off on the manual clock")
struct ThrottleAndRetryTests {
    @Test("maxItemsPerSecond=100 over 1000 items: no chunk before its time, chunks of 25")
    func throttle() async throws {
        let h = Harness()
        let ids = itemIds("t", 1000)
        let start = h.clock.now
        let job = try await h.create(ids, maxItemsPerSecond: 100)
        #expect(job.chunkSize == 500, "the requested size is kept; the throttle only shrinks the chunks it takes")

        #expect(await eventually { h.clock.sleeperCount > 0 })
        #expect(h.operation.calls(of: job.id).map(\.itemIds.count) == [25])
        #expect(h.clock.nextDeadline == start.addingTimeInterval(0.25))
        for _ in 0..<50 { await Task.yield() }
        #expect(h.operation.calls(of: job.id).count == 1, "nothing more until the clock moves")

        h.clock.advance(by: 0.2)
        for _ in 0..<50 { await Task.yield() }
        #expect(h.operation.calls(of: job.id).count == 1, "0.2 s allow no second chunk of 25 at 100/s")
        #expect(h.clock.sleeperCount == 1)

        h.clock.advance(by: 0.05)
        #expect(await eventually { h.operation.calls(of: job.id).count == 2 && h.clock.sleeperCount > 0 })
        for chunk in 2..<40 {
            h.clock.advance(by: 0.25)
            let reached = await eventually {
                h.operation.calls(of: job.id).count == chunk + 1
                    && (h.clock.sleeperCount > 0 || chunk == 39)
            }
            #expect(reached, "chunk \(chunk)")
            if !reached { break }
        }
        #expect(await h.waitFor(job.id, .succeeded))
        let calls = h.operation.calls(of: job.id)
        #expect(calls.count == 40)
        #expect(calls.allSatisfy { $0.itemIds.count == 25 })
        #expect(calls.flatMap(\.itemIds) == ids)
        for (index, call) in calls.enumerated() {
            let elapsed = try #require(call.at).timeIntervalSince(start)
            // items applied before this chunk never exceed the rate over the time that has passed
            #expect(Double(index * 25) <= 100 * elapsed + 1e-9, "chunk \(index) at \(elapsed) s")
        }
        #expect(h.clock.now.timeIntervalSince(start) == 9.75)
    }

    @Test("effective chunk size keeps throttled chunks small",
          arguments: [(100.0, 500, 25), (100.0, 10, 10), (1.0, 500, 1), (0.5, 500, 1), (10_000.0, 500, 500)])
    func effectiveChunkSize(rate: Double, chunkSize: Int, expected: Int) {
        let definition = JobDefinition(id: "job_x", kind: "k", selection: Selection(entity: "e"), params: nil,
                                       createdBy: "t", createdAt: Date(), scheduledFor: nil, chunkSize: chunkSize,
                                       maxItemsPerSecond: rate, total: 10, queueOnConflict: false)
        #expect(definition.effectiveChunkSize == expected)
        var unthrottled = definition
        unthrottled.maxItemsPerSecond = nil
        #expect(unthrottled.effectiveChunkSize == chunkSize)
    }

    @Test("pause or cancel while sleeping on the throttle stops without moving the clock",
          arguments: [JobState.paused, .cancelled])
    func stopWhileThrottled(target: JobState) async throws {
        let h = Harness()
        let ids = itemIds("s", 100)
        let job = try await h.create(ids, maxItemsPerSecond: 10)
        #expect(await eventually { h.clock.sleeperCount > 0 })
        let now = h.clock.now
        if target == .paused {
            _ = try await h.supervisor.pause(job.id)
        } else {
            _ = try await h.supervisor.cancel(job.id)
        }
        #expect(await h.waitFor(job.id, target))
        #expect(h.clock.now == now)
        #expect(h.clock.sleeperCount == 0, "the throttle sleep was abandoned")
        #expect(h.operation.calls(of: job.id).count == 1)
        #expect(try #require(await h.supervisor.job(job.id)).progress.processed == 2)
        if target == .paused {
            _ = try await h.supervisor.resume(job.id)
            #expect(await h.drive(job.id) == .succeeded)
            #expect(h.operation.appliedItems(of: job.id) == ids)
        }
    }

    @Test("a chunk that throws twice is retried after initialBackoff, then after twice that")
    func backoff() async throws {
        var retry = RetryPolicy()
        retry.initialBackoff = 1
        retry.chunkAttempts = 3
        let h = Harness(retry: retry)
        let ids = itemIds("b", 30)
        h.operation.failChunk(index: 1, times: 2)
        let job = try await h.create(ids, chunkSize: 10)

        #expect(await eventually { h.clock.sleeperCount > 0 })
        #expect(h.operation.calls(of: job.id).map(\.startOffset) == [0, 10])
        let failedAt = h.clock.now
        #expect(h.clock.nextDeadline == failedAt.addingTimeInterval(1))
        h.clock.advance(by: 0.5)
        for _ in 0..<50 { await Task.yield() }
        #expect(h.operation.calls(of: job.id).count == 2, "no retry before the back-off")
        h.clock.advance(by: 0.5)
        #expect(await eventually { h.operation.calls(of: job.id).count == 3 && h.clock.sleeperCount > 0 })
        #expect(h.clock.nextDeadline == h.clock.now.addingTimeInterval(2), "the second back-off doubles")
        h.clock.advance(by: 1.5)
        for _ in 0..<50 { await Task.yield() }
        #expect(h.operation.calls(of: job.id).count == 3)
        h.clock.advance(by: 0.5)
        #expect(await h.waitFor(job.id, .succeeded))
        #expect(h.operation.calls(of: job.id).map(\.startOffset) == [0, 10, 10, 10, 20])
        #expect(h.operation.appliedItems(of: job.id) == ids)
        let done = try #require(await h.supervisor.job(job.id))
        #expect(done.progress.failed == 0 && done.progress.succeeded == 30)
    }

    @Test("back-off doubles up to maxBackoff", arguments: [(1, 0.25), (2, 0.5), (3, 1.0), (4, 1.5), (10, 1.5)])
    func backoffSchedule(retry attempt: Int, expected: Double) {
        var policy = RetryPolicy()
        policy.initialBackoff = 0.25
        policy.maxBackoff = 1.5
        #expect(policy.backoff(beforeRetry: attempt) == expected)
    }

    @Test("a chunk failing every attempt fails its items with the reason; the job completes with errors")
    func chunkBeyondAttempts() async throws {
        var retry = RetryPolicy()
        retry.chunkAttempts = 2
        retry.initialBackoff = 0.5
        let h = Harness(retry: retry)
        let ids = itemIds("e", 30)
        h.operation.failChunk(containing: ids[10], times: 2)
        let job = try await h.create(ids, chunkSize: 10)
        #expect(await h.drive(job.id) == .completedWithErrors)

        #expect(h.operation.calls(of: job.id).map(\.startOffset) == [0, 10, 10, 20])
        #expect(h.operation.effects(of: job.id).map(\.startOffset) == [0, 20], "the failed chunk applied nothing")
        let done = try #require(await h.supervisor.job(job.id))
        #expect(done.progress.processed == 30)
        #expect(done.progress.failed == 10)
        #expect(done.progress.succeeded == 20)
        let failed = try await h.supervisor.items(job.id, status: .failed)
        #expect(failed.map(\.itemId) == Array(ids[10..<20]))
        #expect(failed.allSatisfy { $0.status == .failed })
        #expect(failed.allSatisfy { ($0.reason ?? "").contains("downstream refused chunk at e-0010") })
        #expect(failed.allSatisfy { ($0.reason ?? "").contains("2 attempts") })
        let all = try await h.supervisor.items(job.id)
        #expect(all.count == 30)
        #expect(all.filter { $0.status == .succeeded }.map(\.itemId) == Array(ids[0..<10] + ids[20..<30]))
        #expect(try await h.supervisor.items(job.id, status: .succeeded).count == 20)
    }
}
