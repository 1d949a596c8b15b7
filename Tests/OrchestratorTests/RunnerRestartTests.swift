import Foundation
import Orchestrator
import Synchronization
import Testing

@Suite("Runner crashes and restarts from the checkpoint")
struct RunnerRestartTests {
    @Test("commits failing k times restart the runner from the checkpoint; no chunk is applied twice")
    func restartFromCheckpoint() async throws {
        var retry = RetryPolicy()
        retry.maxRunnerRestarts = 3
        retry.initialBackoff = 0.5
        let h = Harness(retry: retry)
        let ids = itemIds("r", 40)
        await h.store.failNextRecordChunks(2)
        let job = try await h.create(ids, chunkSize: 10)

        // restart back-off: 0.5 s, then 1 s
        #expect(await eventually { h.clock.sleeperCount > 0 })
        #expect(h.clock.nextDeadline == h.clock.now.addingTimeInterval(0.5))
        #expect(await h.state(job.id) == .running)
        h.clock.advance(by: 0.5)
        #expect(await eventually { h.operation.calls(of: job.id).count == 2 && h.clock.sleeperCount > 0 })
        #expect(h.clock.nextDeadline == h.clock.now.addingTimeInterval(1))
        #expect(await h.drive(job.id) == .succeeded)

        #expect(h.operation.calls(of: job.id).map(\.startOffset) == [0, 0, 0, 10, 20, 30])
        #expect(h.operation.effects(of: job.id).map(\.startOffset) == [0, 10, 20, 30], "each chunk applied once")
        #expect(h.operation.replays.map(\.startOffset) == [0, 0])
        let done = try #require(await h.supervisor.job(job.id))
        #expect(done.progress.succeeded == 40 && done.progress.processed == 40, "replayed chunks count once")
        #expect(done.error == nil)
        let stored = try #require(await h.store.checkpoint(of: job.id))
        #expect(stored.cursor == 40 && stored.chunks == 4 && stored.succeeded == 40)
        #expect(await h.store.failedRecordChunkCalls == 2)
        #expect(h.log.all.filter { $0.contains("runner crashed") }.count == 2)

        // the failed commits must not leave a hole in the job's event sequence
        let events = try #require(await h.finishedHistory(job.id))
        #expect(events.map(\.seq) == Array(1...events.count))
        #expect(events.last?.kind == .finished)
        #expect(events.filter { $0.kind == .finished }.count == 1)
    }

    @Test("more crashes than maxRunnerRestarts fail the job with its error; other jobs keep running")
    func restartLimit() async throws {
        var retry = RetryPolicy()
        retry.maxRunnerRestarts = 2
        retry.initialBackoff = 0.25
        let h = Harness(retry: retry)
        let otherIds = itemIds("other", 20)
        let gate = h.operation.block(chunkContaining: otherIds[0])
        let other = try await h.create(otherIds, chunkSize: 10)
        #expect(await eventually { gate.hasEntered })

        await h.store.failNextRecordChunks(3)
        let ids = itemIds("doomed", 20)
        let doomed = try await h.create(ids, chunkSize: 10)
        #expect(await h.drive(doomed.id) == .failed)
        let failed = try #require(await h.supervisor.job(doomed.id))
        #expect(failed.error?.contains("runner crashed 3 times") == true)
        #expect(failed.error?.contains("injected store failure") == true)
        #expect(failed.progress.processed == 0)
        #expect(failed.finishedAt != nil)
        #expect(h.operation.calls(of: doomed.id).count == 3)
        #expect(await eventually { await h.store.checkpoint(of: doomed.id)?.state == .failed })
        #expect(await h.store.checkpoint(of: doomed.id)?.error == failed.error)

        // the failed job let go of its items, and the other job was never disturbed
        #expect(await h.state(other.id) == .running)
        gate.release()
        #expect(await h.drive(other.id) == .succeeded)
        #expect(h.operation.appliedItems(of: other.id) == otherIds)
        let again = try await h.create(ids)
        #expect(await h.drive(again.id) == .succeeded)

        let events = try #require(await h.finishedHistory(doomed.id))
        #expect(events.map(\.seq) == Array(1...events.count))
        #expect(events.filter { $0.kind == .finished }.map(\.job.state) == [.failed])
    }

    @Test("a runner waiting to restart keeps its slot: maxConcurrentJobs is not exceeded")
    func restartKeepsSlot() async throws {
        var retry = RetryPolicy()
        retry.initialBackoff = 1
        let h = Harness(maxConcurrentJobs: 1, retry: retry)
        await h.store.failNextRecordChunks(1)
        let first = try await h.create(itemIds("a", 10))
        #expect(await eventually { h.clock.sleeperCount > 0 }, "the crashed runner waits for its restart")
        let second = try await h.create(itemIds("b", 10))
        for _ in 0..<50 { await Task.yield() }
        #expect(await h.state(second.id) == .queued)
        #expect(h.operation.calls(of: second.id).isEmpty)
        #expect(await h.drive(first.id) == .succeeded)
        #expect(await h.drive(second.id) == .succeeded)
        let calls = h.operation.calls.map(\.jobId)
        #expect(calls == [first.id, first.id, second.id])
    }

    @Test("pause or cancel while a crashed runner waits to restart lands without waiting out the back-off",
          arguments: [JobState.paused, .cancelled])
    func stopDuringRestartBackoff(target: JobState) async throws {
        var retry = RetryPolicy()
        retry.initialBackoff = 5
        let h = Harness(retry: retry)
        let ids = itemIds("z", 20)
        await h.store.failNextRecordChunks(1)
        let job = try await h.create(ids, chunkSize: 10)
        #expect(await eventually { h.clock.sleeperCount > 0 })
        let now = h.clock.now
        if target == .paused {
            _ = try await h.supervisor.pause(job.id)
        } else {
            _ = try await h.supervisor.cancel(job.id)
        }
        #expect(await h.waitFor(job.id, target))
        #expect(h.clock.now == now)
        #expect(h.operation.calls(of: job.id).count == 1)
        if target == .paused {
            _ = try await h.supervisor.resume(job.id)
            #expect(await h.drive(job.id) == .succeeded)
            #expect(h.operation.effects(of: job.id).map(\.startOffset) == [0, 10])
        } else {
            // its items are free again
            let next = try await h.create(ids)
            #expect(await h.drive(next.id) == .succeeded)
        }
    }

    @Test("an operation returning the wrong number of outcomes crashes the runner until the job fails")
    func wrongOutcomeCount() async throws {
        var retry = RetryPolicy()
        retry.maxRunnerRestarts = 1
        retry.initialBackoff = 0
        let store = InMemoryJobStore()
        let clock = ManualJobClock()
        let broken = BrokenOperation()
        var configuration = JobSupervisor.Configuration()
        configuration.retry = retry
        let supervisor = JobSupervisor(configuration: configuration, store: store, operations: [broken], clock: clock,
                                       log: { _ in })
        let job = try await supervisor.create(JobRequest(kind: "test.broken",
                                                         selection: Selection(entity: "x", ids: ["1", "2"]),
                                                         createdBy: "t"))
        #expect(await eventually { await supervisor.job(job.id)?.state == .failed })
        #expect(await supervisor.job(job.id)?.error?.contains("returned 1 outcomes for 2 items") == true)
        #expect(broken.applyCount == 2)
    }
}

/// Answers one outcome whatever the chunk.
private final class BrokenOperation: BulkOperation {
    private let count = Mutex(0)
    var applyCount: Int { count.withLock { $0 } }
    let descriptor = OperationDescriptor(kind: "test.broken", entity: "x", description: "", paramsSchema: nil,
                                         selectionLimit: 10)
    func validate(params: JSONValue) throws {}
    func resolve(_ selection: Selection) async throws -> [String] { selection.ids ?? [] }
    func preview(itemIds: [String], params: JSONValue) async throws -> JobPreview {
        JobPreview(total: 0, sample: [], conflicts: [], warnings: [], estimate: [:])
    }
    func apply(_ chunk: ChunkRequest) async throws -> [ItemOutcome] {
        count.withLock { $0 += 1 }
        return [.succeeded(chunk.itemIds[0])]
    }
}
