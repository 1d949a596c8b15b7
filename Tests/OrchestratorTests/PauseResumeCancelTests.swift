import Foundation
import Orchestrator
import Testing

@Suite("Pause, resume and cancel land at chunk boundaries")
struct PauseResumeCancelTests {
    @Test("pause during a chunk: the chunk completes, no further chunk starts, then resume runs to the end")
    func pauseAtBoundaryThenResume() async throws {
        let h = Harness()
        let ids = itemIds("p", 50)
        let gate = h.operation.block(chunkIndex: 2)
        let job = try await h.create(ids, chunkSize: 10)
        #expect(await eventually { gate.hasEntered })

        let pausing = try await h.supervisor.pause(job.id)
        #expect(pausing.state == .pausing)
        #expect(pausing.progress.processed == 20)
        #expect(await h.state(job.id) == .pausing, "the blocked chunk keeps the job pausing")

        gate.release()
        #expect(await h.waitFor(job.id, .paused))
        let paused = try #require(await h.supervisor.job(job.id))
        #expect(paused.progress.processed == 30, "the chunk in flight was applied fully")
        #expect(paused.progress.succeeded == 30)
        #expect(h.operation.calls(of: job.id).map(\.startOffset) == [0, 10, 20], "no chunk started after the pause")
        #expect(h.operation.effects(of: job.id).allSatisfy { $0.itemIds.count == 10 })
        // the runner is gone, so nothing may start later either
        for _ in 0..<20 { await Task.yield() }
        #expect(h.operation.calls(of: job.id).count == 3)
        #expect(await h.state(job.id) == .paused)

        let resumed = try await h.supervisor.resume(job.id)
        #expect([.queued, .running].contains(resumed.state))
        #expect(await h.drive(job.id) == .succeeded)
        #expect(h.operation.appliedItems(of: job.id) == ids, "every item applied once, in order")
        #expect(h.operation.effects(of: job.id).map(\.chunkIndex) == [0, 1, 2, 3, 4])
        let done = try #require(await h.supervisor.job(job.id))
        #expect(done.progress.processed == 50 && done.progress.succeeded == 50 && done.progress.percent == 100)
        #expect(done.finishedAt != nil && done.startedAt != nil)
    }

    @Test("resume while still pausing withdraws the pause and the job never stops")
    func resumeWhilePausing() async throws {
        let h = Harness()
        let ids = itemIds("w", 30)
        let gate = h.operation.block(chunkContaining: ids[10])
        let job = try await h.create(ids, chunkSize: 10)
        #expect(await eventually { gate.hasEntered })
        #expect(try await h.supervisor.pause(job.id).state == .pausing)
        #expect(try await h.supervisor.resume(job.id).state == .running)
        gate.release()
        #expect(await h.drive(job.id) == .succeeded)
        #expect(h.operation.appliedItems(of: job.id) == ids)
        let states = await h.finishedHistory(job.id)?.filter { $0.kind == .state }
            .map(\.job.state)
        #expect(states?.contains(.paused) == false)
        #expect(states == [.running, .pausing, .running, .succeeded])
    }

    @Test("cancel during a chunk: that chunk completes, the job is cancelled with only whole chunks processed")
    func cancelMidChunk() async throws {
        let h = Harness()
        let ids = itemIds("c", 50)
        let gate = h.operation.block(chunkContaining: ids[25])
        let job = try await h.create(ids, chunkSize: 10)
        #expect(await eventually { gate.hasEntered })
        #expect(try await h.supervisor.cancel(job.id).state == .cancelling)
        gate.release()
        #expect(await h.waitFor(job.id, .cancelled))
        let cancelled = try #require(await h.supervisor.job(job.id))
        #expect(cancelled.progress.processed == 30)
        #expect(h.operation.appliedItems(of: job.id) == Array(ids[0..<30]))
        #expect(h.operation.calls(of: job.id).count == 3)
        // the cancelled job let go of its items
        let next = try await h.create(ids)
        #expect(await h.drive(next.id) == .succeeded)
    }

    /// How a job is brought into a state before an operator request.
    enum Start: String, CaseIterable, Sendable {
        case awaitingApproval, scheduled, queued, running, paused, succeeded, cancelled
    }

    enum Request: String, CaseIterable, Sendable {
        case pause, resume, cancel, approve, reject
    }

    /// What API.md allows, per request: the states it may come from.
    private static let allowed: [Request: Set<Start>] = [
        .pause: [.running],
        .resume: [.paused],
        .cancel: [.running, .paused, .queued, .scheduled, .awaitingApproval],
        .approve: [.awaitingApproval],
        .reject: [.awaitingApproval],
    ]

    @Test("operator requests: allowed ones move the job, others answer invalid_transition with details.state",
          arguments: Start.allCases, Request.allCases)
    func operatorRequest(start: Start, request: Request) async throws {
        let h = Harness(maxConcurrentJobs: 1)
        let ids = itemIds("r", 30)
        let gate = h.operation.block(chunkContaining: ids[start == .paused ? 10 : 0])
        defer { gate.release() }
        var blocker: Gate?
        defer { blocker?.release() }
        let id: String
        switch start {
        case .awaitingApproval, .cancelled:
            id = try await h.supervisor.create(Harness.request(ids, requiresApproval: true)).id
            if start == .cancelled { _ = try await h.supervisor.cancel(id) }
        case .scheduled:
            let at = h.clock.now.addingTimeInterval(60)
            id = try await h.supervisor.create(Harness.request(ids, scheduledFor: at)).id
        case .queued:
            let other = itemIds("other", 5)
            blocker = h.operation.block(chunkContaining: other[0])
            _ = try await h.create(other)
            id = try await h.create(ids).id
        case .running:
            id = try await h.create(ids, chunkSize: 10).id
            #expect(await eventually { gate.hasEntered })
        case .paused:
            id = try await h.create(ids, chunkSize: 10).id
            #expect(await eventually { gate.hasEntered })
            _ = try await h.supervisor.pause(id)
            gate.release()
            #expect(await h.waitFor(id, .paused))
        case .succeeded:
            gate.release()
            id = try await h.create(ids).id
            #expect(await h.waitFor(id, .succeeded))
        }
        let before = try #require(await h.state(id))
        #expect(before.rawValue == start.rawValue)

        let perform: () async throws -> JobSnapshot = {
            switch request {
            case .pause: try await h.supervisor.pause(id)
            case .resume: try await h.supervisor.resume(id)
            case .cancel: try await h.supervisor.cancel(id)
            case .approve: try await h.supervisor.approve(id)
            case .reject: try await h.supervisor.reject(id)
            }
        }
        if Self.allowed[request, default: []].contains(start) {
            let after = try await perform()
            let expected: Set<JobState> = switch (request, start) {
            case (.pause, _): [.pausing]
            case (.resume, _), (.approve, _): [.queued, .running]
            case (.cancel, .running): [.cancelling]
            case (.cancel, _): [.cancelled]
            case (.reject, _): [.rejected]
            }
            #expect(expected.contains(after.state), "\(request) from \(start) gave \(after.state)")
        } else {
            let error = await expectJobError { _ = try await perform() }
            #expect(error?.code == .invalidTransition)
            #expect(error?.details["state"] == .string(start.rawValue))
            #expect(await h.state(id) == before, "a refused request changes nothing")
        }
    }

    @Test("requests for an unknown job answer not_found")
    func unknownJob() async {
        let h = Harness()
        let error = await expectJobError { _ = try await h.supervisor.pause("job_nope") }
        #expect(error?.code == .notFound)
        #expect(await h.supervisor.job("job_nope") == nil)
    }

    @Test("cancel of a job with nothing running is immediate and frees its place")
    func cancelWithoutRunner() async throws {
        let h = Harness(maxConcurrentJobs: 1)
        let first = itemIds("first", 5)
        let blocker = h.operation.block(chunkContaining: first[0])
        let running = try await h.create(first)
        #expect(await eventually { blocker.hasEntered })
        let queued = try await h.create(itemIds("second", 5))
        let third = try await h.create(itemIds("third", 5))
        #expect(await h.state(queued.id) == .queued)

        let cancelled = try await h.supervisor.cancel(queued.id)
        #expect(cancelled.state == .cancelled)
        #expect(cancelled.finishedAt != nil)

        let scheduled = try await h.supervisor.create(
            Harness.request(itemIds("later", 3), scheduledFor: h.clock.now.addingTimeInterval(30)))
        #expect(scheduled.state == .scheduled)
        #expect(try await h.supervisor.cancel(scheduled.id).state == .cancelled)

        blocker.release()
        #expect(await h.drive(running.id) == .succeeded)
        #expect(await h.drive(third.id) == .succeeded)
        // the cancelled jobs never ran, and the schedule that was armed does not revive the cancelled one
        h.clock.advance(by: 60)
        for _ in 0..<20 { await Task.yield() }
        #expect(h.operation.calls(of: queued.id).isEmpty)
        #expect(h.operation.calls(of: scheduled.id).isEmpty)
        #expect(await h.state(scheduled.id) == .cancelled)
    }
}
