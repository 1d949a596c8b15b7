import Foundation
import Orchestrator
import Testing

/// A stored job as an earlier server would have left it.
private struct Stored {
    var id: String
    var state: JobState
    var items: [String]
    var cursor = 0
    var createdAt: Double
    var scheduledFor: Date?

    func definition(base: Date) -> JobDefinition {
        JobDefinition(id: id, kind: "test.touch", selection: Selection(entity: "things", ids: items), params: [:],
                      createdBy: "earlier server", createdAt: base.addingTimeInterval(createdAt),
                      scheduledFor: scheduledFor, chunkSize: 10, maxItemsPerSecond: nil, total: items.count,
                      queueOnConflict: true)
    }

    var checkpoint: JobCheckpoint {
        var checkpoint = JobCheckpoint(state: state)
        checkpoint.cursor = cursor
        checkpoint.chunks = cursor / 10
        checkpoint.succeeded = cursor
        checkpoint.seq = 5
        return checkpoint
    }
}

private func preload(_ jobs: [Stored], into h: Harness) async {
    let base = h.clock.now.addingTimeInterval(-3_600)
    for job in jobs {
        await h.store.preload(job.definition(base: base), itemIds: job.items, checkpoint: job.checkpoint)
    }
}

@Suite("Recovery from the store at start")
struct RecoveryTests {
    @Test("every state comes back where it was; locks are restored; a corrupt job fails while the others run")
    func recoverEveryState() async throws {
        let h = Harness()
        let run = itemIds("run", 100), pau = itemIds("pau", 30), que = itemIds("que", 20)
        let pg = itemIds("pg", 20), can = itemIds("can", 20), sch = itemIds("sch", 10), apr = itemIds("apr", 10)
        await preload([
            Stored(id: "job_R", state: .running, items: run, cursor: 40, createdAt: 1),
            Stored(id: "job_P", state: .paused, items: pau, cursor: 10, createdAt: 2),
            Stored(id: "job_Q", state: .queued, items: que, createdAt: 3),
            Stored(id: "job_PG", state: .pausing, items: pg, cursor: 10, createdAt: 4),
            Stored(id: "job_C", state: .cancelling, items: can, cursor: 10, createdAt: 5),
            Stored(id: "job_S", state: .scheduled, items: sch, createdAt: 6,
                   scheduledFor: h.clock.now.addingTimeInterval(60)),
            Stored(id: "job_A", state: .awaitingApproval, items: apr, createdAt: 7),
            Stored(id: "job_T", state: .succeeded, items: itemIds("t", 5), cursor: 5, createdAt: 0),
        ], into: h)
        let corruptDefinition = Stored(id: "job_X", state: .running, items: itemIds("x", 5), createdAt: 8)
            .definition(base: h.clock.now)
        await h.store.preloadCorrupt(jobId: "job_X", definition: corruptDefinition, reason: "bad checksum at byte 4096")
        await h.store.preloadCorrupt(jobId: "job_Y", definition: nil, reason: "definition unreadable")
        let gate = h.operation.block(chunkContaining: run[40])
        defer { gate.release() }

        let problems = await h.supervisor.recover()
        #expect(Set(problems.map(\.jobId)) == ["job_X", "job_Y"])
        #expect(problems.first { $0.jobId == "job_X" }?.reason == "bad checksum at byte 4096")

        // running resumes from its cursor
        #expect(await eventually { gate.hasEntered })
        #expect(h.operation.calls(of: "job_R").map(\.startOffset) == [40])
        #expect(h.operation.calls(of: "job_R").first?.chunkIndex == 4)
        // paused stays, pausing becomes paused, cancelling becomes cancelled
        #expect(await h.state("job_P") == .paused)
        #expect(await h.state("job_PG") == .paused)
        #expect(await h.state("job_C") == .cancelled)
        #expect(await h.state("job_S") == .scheduled)
        #expect(await h.state("job_A") == .awaitingApproval)
        #expect(await h.state("job_T") == .succeeded)
        #expect(try #require(await h.supervisor.job("job_P")).progress.processed == 10)
        // the corrupt job is failed with the reason
        let corrupt = try #require(await h.supervisor.job("job_X"))
        #expect(corrupt.state == .failed)
        #expect(corrupt.error?.contains("bad checksum at byte 4096") == true)
        #expect(await h.supervisor.job("job_Y") == nil)

        // locks are back: overlapping new jobs conflict with the holders; the cancelled job's items are free
        for (items, holder) in [(run, "job_R"), (pau, "job_P"), (pg, "job_PG")] {
            let error = await expectJobError { _ = try await h.create([items[0]]) }
            #expect(error?.code == .conflict)
            #expect(error?.details["jobs"] == .array([.string(holder)]))
        }
        let onCancelled = try await h.create(can)
        #expect(await h.drive(onCancelled.id) == .succeeded)

        // the queued one ran, the running one finishes with its old and new counts
        #expect(await h.drive("job_Q") == .succeeded)
        #expect(h.operation.appliedItems(of: "job_Q") == que)
        gate.release()
        #expect(await h.drive("job_R") == .succeeded)
        #expect(h.operation.appliedItems(of: "job_R") == Array(run[40...]))
        let finished = try #require(await h.supervisor.job("job_R"))
        #expect(finished.progress.processed == 100 && finished.progress.succeeded == 100)
        #expect(finished.seq > 5, "seq continues after the stored one")
        #expect(h.supervisor.broadcaster.replay(jobId: "job_R", after: 0) == nil, "events before the restart are gone")
        let history = try #require(await h.finishedHistory("job_R", after: 5))
        #expect(history.map(\.seq) == Array(6..<(6 + history.count)))

        // the schedule was re-armed, and the paused job resumes from its cursor
        #expect(await h.drive("job_S") == .succeeded)
        _ = try await h.supervisor.resume("job_P")
        #expect(await h.drive("job_P") == .succeeded)
        #expect(h.operation.appliedItems(of: "job_P") == Array(pau[10...]))
        #expect(await eventually { await h.store.checkpoint(of: "job_PG")?.state == .paused })
        #expect(await eventually { await h.store.checkpoint(of: "job_C")?.state == .cancelled })
        #expect(h.operation.calls(of: "job_PG").isEmpty && h.operation.calls(of: "job_C").isEmpty)
    }

    @Test("a queued job created before an overlapping running (or paused) job waits for it after recovery",
          arguments: [JobState.running, .paused])
    func queuedWaitsForLaterHolder(holderState: JobState) async throws {
        let h = Harness()
        let items = itemIds("o", 20)
        await preload([
            Stored(id: "job_early", state: .queued, items: items, createdAt: 1),
            Stored(id: "job_holder", state: holderState, items: items, cursor: 10, createdAt: 2),
        ], into: h)
        let gate = h.operation.block(chunkContaining: items[10])
        defer { gate.release() }
        _ = await h.supervisor.recover()
        if holderState == .running { #expect(await eventually { gate.hasEntered }) }
        for _ in 0..<50 { await Task.yield() }
        #expect(await h.state("job_early") == .queued, "its items are held by the holder")
        #expect(h.operation.calls(of: "job_early").isEmpty)
        if holderState == .paused {
            _ = try await h.supervisor.resume("job_holder")
            #expect(await eventually { gate.hasEntered })
        }
        gate.release()
        #expect(await h.drive("job_holder") == .succeeded)
        #expect(await h.drive("job_early") == .succeeded)
        #expect(h.operation.calls.map(\.jobId) == ["job_holder", "job_early", "job_early"])
    }

    @Test("queued jobs keep their FIFO order across a restart")
    func queuedOrder() async throws {
        let h = Harness()
        let items = itemIds("fifo", 10)
        await preload([
            Stored(id: "job_3", state: .queued, items: items, createdAt: 3),
            Stored(id: "job_1", state: .queued, items: items, createdAt: 1),
            Stored(id: "job_2", state: .queued, items: items, createdAt: 2),
        ], into: h)
        _ = await h.supervisor.recover()
        for id in ["job_1", "job_2", "job_3"] { #expect(await h.drive(id) == .succeeded) }
        #expect(h.operation.calls.map(\.jobId) == ["job_1", "job_2", "job_3"])
    }

    @Test("shutdown stops runners at a chunk boundary and keeps them running in the store; a new supervisor resumes")
    func shutdownThenRecover() async throws {
        let h = Harness()
        let ids = itemIds("sd", 40)
        let gate = h.operation.block(chunkContaining: ids[10])
        defer { gate.release() }
        let job = try await h.create(ids, chunkSize: 10)
        #expect(await eventually { gate.hasEntered })
        let shutdown = Task { await h.supervisor.shutdown() }
        let refusing = await eventually {
            do { _ = try await h.supervisor.pause("job_none") } catch let error as JobError {
                return error.code == .shuttingDown
            } catch {}
            return false
        }
        #expect(refusing)
        gate.release()
        await shutdown.value
        #expect(await h.state(job.id) == .running, "a shutdown is not a pause: the job resumes at the next start")
        #expect(h.operation.calls(of: job.id).map(\.startOffset) == [0, 10], "stopped at the boundary")
        let refused = await expectJobError { _ = try await h.create(itemIds("late", 1)) }
        #expect(refused?.code == .shuttingDown)
        let stored = try #require(await h.store.checkpoint(of: job.id))
        #expect(stored.cursor == 20 && stored.state == .running)

        let next = Harness(store: h.store)
        #expect(await next.supervisor.recover().isEmpty)
        #expect(await next.drive(job.id) == .succeeded)
        #expect(next.operation.calls(of: job.id).map(\.startOffset) == [20, 30])
        #expect(try #require(await next.supervisor.job(job.id)).progress.succeeded == 40)
    }
}
